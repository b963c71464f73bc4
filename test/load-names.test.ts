import { describe, expect, it } from 'vitest';
import { emptyTable } from '../src/model/empty.js';
import type { Database } from '../src/model/types.js';
import { loadExact } from '../src/load/load-exact.js';
import { loadStatic } from '../src/load/load-schema.js';
import { SchemaBuilder } from '../src/load/schema-builder.js';

/**
 * Every constraint and index name of a model, by owner (`schema.table`, `schema.domain`):
 * what PostgreSQL's ChooseConstraintName / ChooseRelationName decide.
 */
function names(db: Database): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of db.schemas) {
    for (const t of s.tables) {
      const list = [
        ...(t.primaryKey ? [`pk ${t.primaryKey.name}`] : []),
        ...t.uniques.map((u) => `uq ${u.name}`),
        ...t.checks.map((c) => `ck ${c.name}`),
        ...t.foreignKeys.map((f) => `fk ${f.name}`),
        ...t.exclusions.map((e) => `ex ${e.name}`),
        ...t.indexes.map((i) => `ix ${i.name}`),
      ];
      if (list.length) out[`${s.name}.${t.name}`] = list.sort();
    }
    for (const d of s.domains) if (d.checks.length) out[`${s.name}.${d.name}`] = d.checks.map((c) => `ck ${c.name}`).sort();
  }
  return out;
}

/** Static and exact loads of `sql` must both give `expected`. */
async function expectNames(sql: string, expected: Record<string, string[]>): Promise<void> {
  const scripts = [{ file: 'names.sql', sql }];
  const staticResult = await loadStatic(scripts);
  expect(staticResult.notes.map((n) => n.message)).toEqual([]);
  expect(names(staticResult.database)).toEqual(expected);
  expect(names((await loadExact(scripts)).database)).toEqual(expected);
}

describe('invented names against PostgreSQL 18', () => {
  it('frees the names of dropped, moved and renamed constraints, and keeps those still held', async () => {
    await expectNames(
      `
      -- DROP TABLE, DROP SCHEMA, DROP COLUMN and SET SCHEMA free the names.
      CREATE TABLE t (a int CHECK (a > 0));
      DROP TABLE t;
      CREATE TABLE t (a int CHECK (a > 0));
      CREATE SCHEMA s;
      CREATE TABLE s.u (a int CHECK (a > 0));
      DROP SCHEMA s CASCADE;
      CREATE SCHEMA s;
      CREATE TABLE s.u (a int CHECK (a > 0));
      CREATE TABLE p (a int PRIMARY KEY);
      CREATE TABLE c (a int UNIQUE, b int REFERENCES p, z int);
      ALTER TABLE c DROP COLUMN a;
      ALTER TABLE c DROP COLUMN b;
      ALTER TABLE c ADD COLUMN a int UNIQUE, ADD COLUMN b int REFERENCES p;
      CREATE TABLE m (a int CHECK (a > 0));
      ALTER TABLE m SET SCHEMA s;
      CREATE TABLE m (a int CHECK (a > 0));
      -- A renamed table keeps its constraints' names; a renamed constraint frees its old one.
      CREATE TABLE r (a int CHECK (a > 0));
      ALTER TABLE r RENAME TO r_old;
      CREATE TABLE r (a int CHECK (a > 0));
      CREATE TABLE k (a int CHECK (a > 0));
      ALTER TABLE k RENAME CONSTRAINT k_a_check TO k_positive;
      ALTER TABLE k ADD CHECK (a < 100);
      -- Later subcommands of one ALTER TABLE see the earlier drops ...
      CREATE TABLE q (a int PRIMARY KEY CHECK (a > 0));
      ALTER TABLE q DROP CONSTRAINT q_pkey, DROP CONSTRAINT q_a_check, ADD PRIMARY KEY (a), ADD CHECK (a > 1);
      -- ... but a name two tables hold stays taken while one of them keeps it.
      CREATE TABLE x (a int CONSTRAINT w_a_check CHECK (a > 0));
      CREATE TABLE w (a int CONSTRAINT w_a_check CHECK (a > 0));
      ALTER TABLE w DROP CONSTRAINT w_a_check, ADD CHECK (a > 1);
      `,
      {
        'public.t': ['ck t_a_check'],
        's.u': ['ck u_a_check'],
        'public.p': ['pk p_pkey'],
        'public.c': ['fk c_b_fkey', 'uq c_a_key'],
        's.m': ['ck m_a_check'],
        'public.m': ['ck m_a_check'],
        'public.r_old': ['ck r_a_check'],
        'public.r': ['ck r_a_check1'],
        'public.k': ['ck k_a_check', 'ck k_positive'],
        'public.q': ['ck q_a_check', 'pk q_pkey'],
        'public.x': ['ck w_a_check'],
        'public.w': ['ck w_a_check1'],
      },
    );
  });

  it('shares one constraint namespace between tables, domains and index-backed constraints', async () => {
    await expectNames(
      `
      -- Domain and table checks skip each other's names (ChooseConstraintName).
      CREATE DOMAIN t_a AS int CHECK (VALUE > 0);
      CREATE TABLE t (a int CHECK (a > 0));
      CREATE TABLE holder (a int CONSTRAINT d_check CHECK (a > 0));
      CREATE DOMAIN d AS int CHECK (VALUE > 0) CHECK (VALUE < 10);
      CREATE DOMAIN f_a AS int CHECK (VALUE > 0);
      DROP DOMAIN f_a;
      CREATE TABLE f (a int CHECK (a > 0));
      CREATE DOMAIN g_a AS int CHECK (VALUE > 0);
      ALTER DOMAIN g_a RENAME TO g_old;
      CREATE TABLE g (a int CHECK (a > 0));
      CREATE SCHEMA o;
      CREATE DOMAIN o.h_a AS int CHECK (VALUE > 0);
      CREATE TABLE h (a int CHECK (a > 0));
      -- Key and exclusion names skip constraint names too (ChooseRelationName, isconstraint) ...
      CREATE TABLE p (a int CONSTRAINT p_pkey CHECK (a > 0), PRIMARY KEY (a));
      CREATE TABLE u (a int CONSTRAINT u_a_key CHECK (a > 0) UNIQUE, b int CONSTRAINT u_b_excl CHECK (b > 0), EXCLUDE (b WITH =));
      CREATE DOMAIN e_dom AS int CONSTRAINT e_pkey CHECK (VALUE > 0);
      CREATE TABLE e (a int PRIMARY KEY);
      CREATE TABLE fk (a int CONSTRAINT fk_a_fkey CHECK (a > 0) REFERENCES p (a));
      -- ... but plain index names do not (ChooseIndexName with isconstraint false).
      CREATE TABLE i (a int CONSTRAINT i_a_idx CHECK (a > 0));
      CREATE INDEX ON i (a);
      -- A CHECK named like a NOT NULL constraint (t_a_not_null) pushes the NOT NULL aside
      -- (n_a_not_null1), which the model does not name: nothing else changes.
      CREATE TABLE n (a int NOT NULL CONSTRAINT n_a_not_null CHECK (a > 0), PRIMARY KEY (a), CHECK (a < 10));
      `,
      {
        'public.t_a': ['ck t_a_check'],
        'public.t': ['ck t_a_check1'],
        'public.holder': ['ck d_check'],
        'public.d': ['ck d_check1', 'ck d_check2'],
        'public.f': ['ck f_a_check'],
        'public.g_old': ['ck g_a_check'],
        'public.g': ['ck g_a_check1'],
        'o.h_a': ['ck h_a_check'],
        'public.h': ['ck h_a_check'],
        'public.p': ['ck p_pkey', 'pk p_pkey1'],
        'public.u': ['ck u_a_key', 'ck u_b_excl', 'ex u_b_excl1', 'uq u_a_key1'],
        'public.e_dom': ['ck e_pkey'],
        'public.e': ['pk e_pkey1'],
        'public.fk': ['ck fk_a_fkey', 'fk fk_a_fkey1'],
        'public.i': ['ck i_a_idx', 'ix i_a_idx'],
        'public.n': ['ck n_a_check', 'ck n_a_not_null', 'pk n_pkey'],
      },
    );
  });
});

describe('SchemaBuilder constraint names', () => {
  function builder(): SchemaBuilder {
    const b = new SchemaBuilder();
    const t = emptyTable('t');
    t.checks.push({ name: 'shared', expression: 'true' });
    t.primaryKey = { name: 't_pkey', columns: ['a'] };
    const u = emptyTable('u');
    u.checks.push({ name: 'shared', expression: 'true' });
    b.db.schemas[0].tables.push(t, u);
    b.db.schemas[0].domains.push({ name: 'd', type: 'integer', notNull: false, default: null, checks: [{ name: 'd_check', expression: 'VALUE > 0' }] });
    return b;
  }

  it('reads constraint names from the model, per schema', () => {
    const b = builder();
    const taken = b.constraintTaken('public');
    expect(['shared', 't_pkey', 'd_check', 't'].map(taken)).toEqual([true, true, true, false]);
    expect(b.constraintTaken('other')('shared')).toBe(false);
  });

  it('counts holders: a name stays taken until the last one forgets it', () => {
    const b = builder();
    const taken = b.constraintTaken('public');
    expect(taken('shared')).toBe(true); // builds the cache
    b.forgetConstraint('public', 'shared');
    expect(taken('shared')).toBe(true);
    b.forgetConstraint('public', 'shared');
    expect(taken('shared')).toBe(false);
    b.registerConstraint('public', 'fresh');
    expect(taken('fresh')).toBe(true);
  });

  it('rebuilds from the model once the caches are forgotten', () => {
    const b = builder();
    const taken = b.constraintTaken('public');
    expect(taken('t_pkey')).toBe(true);
    b.db.schemas[0].tables[0].primaryKey = null;
    expect(taken('t_pkey')).toBe(true); // cached until a dropping statement clears it
    b.forgetRelations();
    expect(taken('t_pkey')).toBe(false);
  });

  it('makes key and exclusion names skip relations as well as constraints', () => {
    const b = builder();
    const taken = b.constraintIndexTaken('public');
    expect(['t', 'u', 'shared', 'd_check', 'nothing'].map(taken)).toEqual([true, true, true, true, false]);
    expect(b.constraintTaken('public')('t')).toBe(false);
  });
});
