import { describe, expect, it } from 'vitest';
import { splitSql } from '../src/parse/split-sql.js';

const texts = (sql: string) => splitSql(sql).map((c) => `${c.kind}:${c.text}`);

describe('splitSql', () => {
  it('splits on semicolons outside quotes, comments and dollar quotes', () => {
    const sql = `select 'a;b'; select "x;y" from t; -- c;d
select $$ ; $$; select $fn$ $$ ; $fn$; /* a ; /* nested ; */ ; */ select E'\\';' ;`;
    expect(texts(sql)).toEqual([
      "sql:select 'a;b'",
      'sql:select "x;y" from t',
      'sql:select $$ ; $$',
      'sql:select $fn$ $$ ; $fn$',
      "sql:select E'\\';' ",
    ]);
  });

  it('keeps psql meta-commands as their own chunks and skips COPY data', () => {
    const sql = `\\c shop\nCOPY t (a) FROM stdin;\n1\n2;3\n\\.\nCREATE TABLE u (id int);\n\\set x 1\n`;
    expect(texts(sql)).toEqual(['meta:\\c shop', 'sql:COPY t (a) FROM stdin', 'sql:CREATE TABLE u (id int)', 'meta:\\set x 1']);
  });

  it('keeps BEGIN ATOMIC function bodies whole', () => {
    const sql = `CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT 3;`;
    const chunks = splitSql(sql);
    expect(chunks).toHaveLength(2);
    expect(chunks[0].text).toMatch(/END$/);
    expect(chunks[1].text).toBe('SELECT 3');
  });

  it('does not take a parameter named begin for a function body', () => {
    const sql = `CREATE FUNCTION f(begin int, "case" int) RETURNS int LANGUAGE sql AS $$ select 1 $$; SELECT 2;`;
    expect(splitSql(sql).map((c) => c.text)).toEqual(['CREATE FUNCTION f(begin int, "case" int) RETURNS int LANGUAGE sql AS $$ select 1 $$', 'SELECT 2']);
  });

  it('does not split inside parentheses and reports start offsets of the first token', () => {
    const sql = `  -- lead\n  CREATE RULE r AS ON INSERT TO t DO ALSO (select 1; select 2);`;
    const [chunk] = splitSql(sql);
    expect(chunk.text.startsWith('CREATE RULE')).toBe(true);
    expect(chunk.start).toBe(sql.indexOf('CREATE'));
  });

  it('treats an unterminated last statement as a statement', () => {
    expect(texts('select 1; select 2')).toEqual(['sql:select 1', 'sql:select 2']);
  });
});
