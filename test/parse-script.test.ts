import { beforeAll, describe, expect, it } from 'vitest';
import { SchemawiseError } from '../src/errors.js';
import { initParser, parseScript } from '../src/parse/parse-script.js';

beforeAll(() => initParser());

describe('parseScript', () => {
  it('gives every statement its file, line and column', () => {
    const { statements } = parseScript('a.sql', 'create table a (x int);\n\n  create index on a (x);');
    expect(statements.map((s) => [s.type, s.span.line, s.span.column])).toEqual([
      ['CreateStmt', 1, 1],
      ['IndexStmt', 3, 3],
    ]);
  });

  it('counts columns in characters after multibyte UTF-8 text', () => {
    const { statements } = parseScript('u.sql', `create table "café" (x int); create table "naïve_😀" (y int);`);
    expect(statements[1].span).toEqual({ file: 'u.sql', line: 1, column: 30 });
    // Node locations inside a statement are byte offsets in libpg_query: mapped to characters.
    const col = statements[1].node.tableElts[0].ColumnDef;
    expect(statements[1].locate(col.location).column).toBe(54);
  });

  it('reports a syntax error at file:line:col with PostgreSQL\'s message', () => {
    let error: unknown;
    try {
      parseScript('bad.sql', "create table ok (x int);\ncreate table é (y int,, z int);");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemawiseError);
    expect((error as SchemawiseError).format()).toBe('bad.sql:2:23: syntax error at or near ","');
  });

  it('locates a syntax error after characters outside the BMP', () => {
    const sql = "create table t (c text default '😀😀',, x int);";
    expect(() => parseScript('e.sql', sql)).toThrow(SchemawiseError);
    try {
      parseScript('e.sql', sql);
    } catch (e) {
      // The second comma is the 37th code point: each emoji counts one column, not two.
      expect((e as SchemawiseError).span).toEqual({ file: 'e.sql', line: 1, column: 37 });
    }
  });

  it('skips data and session statements quickly and notes meta-commands', () => {
    const result = parseScript('d.sql', "\\c db\ninsert into t values (1);\ngrant select on t to x;\nselect 1;\nset search_path = a;\ncreate table t (x int);");
    expect(result.skipped).toBe(3);
    expect(result.statements.map((s) => s.type)).toEqual(['VariableSetStmt', 'CreateStmt']);
    expect(result.notes).toEqual([{ message: 'psql meta-command skipped: \\c db', span: { file: 'd.sql', line: 1, column: 1 } }]);
  });
});
