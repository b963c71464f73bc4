/**
 * Changes that reach other objects than the one named: ALTER TABLE on a parent reaches its
 * partitions and INHERITS children; DROP, RENAME and SET SCHEMA reach what depends on the
 * object; DETACH PARTITION leaves the partition its own keys and indexes. Each script's
 * static model must equal what PostgreSQL (PGlite) builds from it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadExact } from '../src/load/load-exact.js';
import { loadStatic } from '../src/load/load-schema.js';
import { initNormalizer, normalizeForComparison } from '../src/model/normalize.js';
import { modelDiff } from './helpers/model-diff.js';

beforeAll(async () => {
  await initNormalizer();
});

async function differences(sql: string): Promise<string[]> {
  const scripts = [{ file: 'dependents.sql', sql }];
  const [fromText, fromEngine] = [await loadStatic(scripts), await loadExact(scripts)];
  return modelDiff(normalizeForComparison(fromText.database), normalizeForComparison(fromEngine.database));
}

const TIMEOUT = 30_000;

describe('static load follows dependents as PostgreSQL does', () => {
  it('ALTER TABLE on a parent reaches partitions and INHERITS children, except with ONLY', async () => {
    const sql = `
      CREATE TABLE p (a int, b int, gone int) PARTITION BY LIST (a);
      CREATE TABLE c PARTITION OF p FOR VALUES IN (1);
      ALTER TABLE p ADD COLUMN n text NOT NULL DEFAULT 'x';
      ALTER TABLE p ADD COLUMN id serial;
      ALTER TABLE p ALTER COLUMN b SET DEFAULT 5;
      ALTER TABLE p ALTER COLUMN b SET NOT NULL;
      ALTER TABLE p ALTER COLUMN b TYPE bigint;
      ALTER TABLE p DROP COLUMN gone;
      ALTER TABLE p RENAME COLUMN b TO bb;

      CREATE TABLE ip (a int, b int NOT NULL, own int, gone int);
      CREATE TABLE ic (z int, own int) INHERITS (ip);
      CREATE TABLE ig () INHERITS (ic);
      ALTER TABLE ip ADD COLUMN d text NOT NULL DEFAULT 'y';
      ALTER TABLE ip ALTER COLUMN a SET DEFAULT 5;
      ALTER TABLE ONLY ip ALTER COLUMN a SET DEFAULT 7;
      ALTER TABLE ip ALTER COLUMN b DROP NOT NULL;
      ALTER TABLE ip ALTER COLUMN a TYPE bigint;
      ALTER TABLE ip RENAME COLUMN d TO dd;
      ALTER TABLE ip DROP COLUMN own;
      ALTER TABLE ONLY ip DROP COLUMN gone;

      CREATE TABLE t (a text COLLATE "C");
      ALTER TABLE t ALTER COLUMN a TYPE varchar(10);`;
    expect(await differences(sql)).toEqual([]);
  }, TIMEOUT);

  it('DROP takes dependents: columns of a type, views, foreign keys, defaults, expressions on a column', async () => {
    const sql = `
      CREATE TYPE mood AS ENUM ('a', 'b');
      CREATE DOMAIN pos AS int CHECK (VALUE > 0);
      CREATE DOMAIN over_mood AS mood;
      CREATE TYPE pair AS (m mood, n int);
      CREATE TABLE typed (id int, m mood, ms mood[], p pos, om over_mood);
      DROP TYPE mood CASCADE;
      DROP DOMAIN pos CASCADE;

      CREATE TABLE t (a int);
      CREATE VIEW v AS SELECT a FROM t;
      CREATE VIEW w AS SELECT a FROM v;
      DROP TABLE t CASCADE;

      CREATE SCHEMA s;
      CREATE TABLE s.t (id int PRIMARY KEY);
      CREATE TYPE s.e AS ENUM ('x');
      CREATE SEQUENCE s.q;
      CREATE TABLE u (t_id int REFERENCES s.t, e s.e, n bigint DEFAULT nextval('s.q'));
      CREATE VIEW sv AS SELECT id FROM s.t;
      DROP SCHEMA s CASCADE;

      CREATE TABLE serials (id serial);
      DROP SEQUENCE serials_id_seq CASCADE;

      CREATE TABLE d (a int UNIQUE, b int, g int GENERATED ALWAYS AS (a * 2) STORED, CHECK (a > b),
        CONSTRAINT ex EXCLUDE USING btree (b WITH =) WHERE (a > 0));
      CREATE INDEX d_expr ON d ((a + 1));
      CREATE INDEX d_partial ON d (b) WHERE a > 1;
      CREATE INDEX d_keep ON d (b);
      CREATE TABLE dref (x int REFERENCES d (a));
      ALTER TABLE d DROP COLUMN a CASCADE;`;
    expect(await differences(sql)).toEqual([]);
  }, TIMEOUT);

  it('RENAME and SET SCHEMA: references follow the object', async () => {
    const sql = `
      CREATE SCHEMA s;
      CREATE TYPE s.st AS ENUM ('a');
      CREATE TABLE s.p (id serial PRIMARY KEY, k s.st) PARTITION BY LIST (id);
      CREATE TABLE s.c PARTITION OF s.p FOR VALUES IN (1);
      CREATE FUNCTION s.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
      CREATE TRIGGER tr BEFORE INSERT ON s.c FOR EACH ROW EXECUTE FUNCTION s.f();
      CREATE VIEW sv AS SELECT id FROM s.p;
      ALTER SCHEMA s RENAME TO r;

      CREATE TYPE e AS ENUM ('x');
      CREATE DOMAIN d AS e;
      CREATE TYPE comp AS (f e);
      CREATE TABLE typed (a d, b comp, c e[]);
      ALTER TYPE e RENAME TO e2;
      ALTER DOMAIN d RENAME TO d2;

      CREATE TABLE t (id serial);
      ALTER SEQUENCE t_id_seq RENAME TO t_seq;
      CREATE TABLE k (a int);
      CREATE VIEW kv AS SELECT k.a FROM k;
      CREATE VIEW kw AS SELECT a FROM kv;
      ALTER TABLE k RENAME TO kk;
      ALTER TABLE kv RENAME TO kv2;
      CREATE SEQUENCE q;
      CREATE TABLE uses_q (id int DEFAULT nextval('q'));
      ALTER TABLE q RENAME TO q2;

      CREATE SCHEMA m;
      CREATE TABLE mt (id serial PRIMARY KEY);
      CREATE TABLE mref (t_id int REFERENCES mt);
      CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
      CREATE TRIGGER mtr BEFORE INSERT ON mt FOR EACH ROW EXECUTE FUNCTION g();
      CREATE VIEW mv AS SELECT id FROM mt;
      ALTER TABLE mt SET SCHEMA m;
      CREATE DOMAIN md AS int;
      CREATE TABLE mdt (x md, y md[]);
      CREATE SEQUENCE mq;
      CREATE TABLE uses_mq (id bigint DEFAULT nextval('mq'));
      ALTER DOMAIN md SET SCHEMA m;
      ALTER SEQUENCE mq SET SCHEMA m;
      ALTER VIEW mv SET SCHEMA m;`;
    expect(await differences(sql)).toEqual([]);
  }, TIMEOUT);

  it('DETACH PARTITION leaves the partition its own copies of the parent keys, indexes, CHECKs and FKs', async () => {
    const sql = `
      CREATE TABLE r (id int PRIMARY KEY);
      CREATE TABLE p (a int, b int REFERENCES r, t text, CHECK (a > 0), UNIQUE (a, b), PRIMARY KEY (a),
        EXCLUDE USING btree (a WITH =)) PARTITION BY RANGE (a);
      CREATE INDEX ON p (lower(t));
      CREATE INDEX ON p (b) WHERE b > 0;
      CREATE TABLE c PARTITION OF p FOR VALUES FROM (1) TO (10);
      ALTER TABLE p DETACH PARTITION c;`;
    expect(await differences(sql)).toEqual([]);
  }, TIMEOUT);
});
