import { describe, expect, it } from 'vitest';
import { collectIgnores } from '../src/lint/ignores.js';

const lines = (sql: string) => collectIgnores('x.sql', sql).map((i) => [i.span.line, i.rules, i.fromLine, i.toLine]);

describe('ignore comments', () => {
  it('scope: the next statement, the statement a trailing comment ends, a line inside a statement, the file', () => {
    const sql = [
      '-- schemawise-ignore rule-a, rule-b -- a reason', // 1: covers 2–4
      'CREATE TABLE a (',
      '  x int',
      ');',
      'CREATE TABLE b (y int); -- schemawise-ignore rule-c', // 5: covers 5
      'CREATE TABLE c (',
      '  -- schemawise-ignore rule-d', // 7: covers 7–8
      '  z int',
      ');',
      '-- schemawise-ignore-file rule-e', // 10: the file
    ].join('\n');
    expect(lines(sql)).toEqual([
      [1, ['rule-a', 'rule-b'], 2, 4],
      [5, ['rule-c'], 5, 5],
      [7, ['rule-d'], 7, 8],
      [10, ['rule-e'], 1, 10],
    ]);
  });

  it('is no directive inside a string, a quoted name, a dollar-quoted body or a block comment', () => {
    const sql = `CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT '-- schemawise-ignore-file rule-a' $body$;
CREATE TABLE t (note text DEFAULT '-- schemawise-ignore rule-b', "-- schemawise-ignore rule-c" int);
/* -- schemawise-ignore rule-d */
CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$ BEGIN -- schemawise-ignore rule-e
RETURN 1; END $$;`;
    expect(lines(sql)).toEqual([]);
  });

  it('needs the exact word: -files or a colon is not the directive', () => {
    expect(lines('-- schemawise-ignore-files rule-a\n-- schemawise-ignore: rule-b\nSELECT 1;')).toEqual([]);
  });
});
