/**
 * Integrity rules: behaviour the documented examples cannot show (options, lookups across
 * schemas, naming of fix objects, cycles, partitioned tables on the embedded engine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { isCreatedName, isUpdatedName, requiresNotNull } from '../src/lint/integrity-helpers.js';
import { mentionsColumn } from '../src/lint/sql-text.js';
import { review } from '../src/lint/review.js';
import cascadeDeleteChain from '../src/lint/rules/cascade-delete-chain.js';
import checkNonnegative from '../src/lint/rules/check-nonnegative.js';
import constraintNotValidated from '../src/lint/rules/constraint-not-validated.js';
import createdAtDefault from '../src/lint/rules/created-at-default.js';
import foreignKeyOnDeleteUnspecified from '../src/lint/rules/foreign-key-on-delete-unspecified.js';
import missingBusinessKey from '../src/lint/rules/missing-business-key.js';
import missingForeignKey from '../src/lint/rules/missing-foreign-key.js';
import nullableUniqueColumns from '../src/lint/rules/nullable-unique-columns.js';
import requireNotNull from '../src/lint/rules/require-not-null.js';
import type { OptionValue, Rule } from '../src/lint/types.js';
import { loadStatic } from '../src/load/load-schema.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

async function run(rule: Rule<any>, sql: string, options?: Record<string, OptionValue>) {
  const { database } = await loadStatic([{ file: 'x.sql', sql }]);
  const config = { rules: options ? { [rule.id]: { options } } : {}, ignoreTables: [] };
  return review({ database, rules: [rule], config }).findings;
}

describe('integrity helpers', () => {
  it('finds a column in expression text, bare or quoted, not inside other names', () => {
    expect(mentionsColumn('(qty >= 0)', 'qty')).toBe(true);
    expect(mentionsColumn('QTY > 0', 'qty')).toBe(true);
    expect(mentionsColumn('"Qty" > 0', 'Qty')).toBe(true);
    expect(mentionsColumn('max_qty >= 0', 'qty')).toBe(false);
    expect(mentionsColumn('qty_min >= 0', 'qty')).toBe(false);
    expect(mentionsColumn("note <> 'qty'", 'qty')).toBe(false); // text inside a literal is data
  });

  it('reads IS NOT NULL as a requirement only outside a disjunction', () => {
    expect(requiresNotNull('(email IS NOT NULL)', 'email')).toBe(true);
    expect(requiresNotNull('deleted_at IS NULL AND email IS NOT NULL', 'email')).toBe(true);
    expect(requiresNotNull('email IS NOT NULL OR phone IS NOT NULL', 'email')).toBe(false);
    expect(requiresNotNull('backup_email IS NOT NULL', 'email')).toBe(false);
  });

  it('recognises creation and modification stamps by name', () => {
    for (const n of ['created_at', 'inserted_at', 'created_on', 'creation_date', 'date_created', 'createdAt', 'created']) expect(isCreatedName(n), n).toBe(true);
    for (const n of ['created_by', 'recreated_at', 'created_at_local_hour', 'creator']) expect(isCreatedName(n), n).toBe(false);
    for (const n of ['updated_at', 'modified_on', 'last_update', 'last_modified_at', 'date_updated']) expect(isUpdatedName(n), n).toBe(true);
    expect(isUpdatedName('updated_by')).toBe(false);
  });
});

describe('missing-foreign-key', () => {
  it('prefers the table in the column\'s own schema over public', async () => {
    const findings = await run(missingForeignKey, `
CREATE SCHEMA sales;
CREATE TABLE public.customers (id bigint PRIMARY KEY);
CREATE TABLE sales.customers (id bigint PRIMARY KEY);
CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer_id bigint);`);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('sales.customers');
    expect(findings[0].fix!.sql).toContain('REFERENCES sales.customers (id) NOT VALID;');
  });

  it('falls back to public, and gives up when other schemas are ambiguous', async () => {
    const viaPublic = await run(missingForeignKey, `
CREATE SCHEMA app;
CREATE TABLE public.users (id integer PRIMARY KEY);
CREATE TABLE app.posts (id bigint PRIMARY KEY, user_id integer);`);
    expect(viaPublic.map((f) => f.object)).toEqual(['app.posts.user_id']);
    expect(viaPublic[0].fix!.sql).toContain('REFERENCES public.users (id)');

    const ambiguous = await run(missingForeignKey, `
CREATE SCHEMA a; CREATE SCHEMA b; CREATE SCHEMA c;
CREATE TABLE a.users (id integer PRIMARY KEY);
CREATE TABLE b.users (id integer PRIMARY KEY);
CREATE TABLE c.posts (id bigint PRIMARY KEY, user_id integer);`);
    expect(ambiguous).toEqual([]);
  });

  it('resolves domains and refuses incompatible types', async () => {
    const findings = await run(missingForeignKey, `
CREATE DOMAIN customer_key AS bigint;
CREATE TABLE customers (id customer_key PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer);
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id uuid);`);
    expect(findings.map((f) => f.object)).toEqual(['public.orders.customer_id']);
  });

  it('treats a self-reference through another column as a finding, the own key as none', async () => {
    const findings = await run(missingForeignKey, `
CREATE TABLE categories (category_id integer PRIMARY KEY, parent_category_id integer);`);
    expect(findings.map((f) => f.object)).toEqual(['public.categories.parent_category_id']);
    expect(findings[0].fix!.sql).toContain('REFERENCES public.categories (category_id)');
  });

  it('names two keys to the same table after their columns, and avoids taken names', async () => {
    const findings = await run(missingForeignKey, `
CREATE TABLE addresses (id integer PRIMARY KEY);
CREATE TABLE warehouses (id integer PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  billing_address_id integer,
  shipping_address_id integer,
  warehouse_id integer,
  CONSTRAINT fk_orders_warehouses CHECK (warehouse_id > 0)
);`);
    const names = findings.map((f) => /ADD CONSTRAINT (\S+)/.exec(f.fix!.sql)![1]).sort();
    expect(names).toEqual(['fk_orders_billing_address_id', 'fk_orders_shipping_address_id', 'fk_orders_warehouse_id']);
  });

  it('leaves a column alone when any foreign key includes it', async () => {
    const findings = await run(missingForeignKey, `
CREATE TABLE tenants (id bigint PRIMARY KEY);
CREATE TABLE projects (tenant_id bigint REFERENCES tenants, id bigint, PRIMARY KEY (tenant_id, id));
CREATE TABLE tasks (id bigint PRIMARY KEY, tenant_id bigint, project_id bigint,
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id));`);
    expect(findings).toEqual([]);
  });

  it('skips partitions that already carry the key when fixing a partitioned table', async () => {
    const findings = await run(missingForeignKey, `
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE payments (id bigint, customer_id bigint, paid_at date, PRIMARY KEY (id, paid_at)) PARTITION BY RANGE (paid_at);
CREATE TABLE payments_a PARTITION OF payments FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE payments_b PARTITION OF payments FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE payments_a ADD FOREIGN KEY (customer_id) REFERENCES customers (id);`);
    expect(findings.map((f) => f.object)).toEqual(['public.payments.customer_id']);
    const sql = findings[0].fix!.sql;
    expect(sql).not.toContain('payments_a');
    expect(sql).toContain('ALTER TABLE public.payments_b ADD CONSTRAINT fk_payments_b_customers FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT VALID;');
    expect(sql.trim().split('\n').at(-1)).toBe('ALTER TABLE public.payments ADD CONSTRAINT fk_payments_customers FOREIGN KEY (customer_id) REFERENCES public.customers (id);');
  });
});

describe('foreign-key-on-delete-unspecified', () => {
  it('hints at CASCADE for keys inside the primary key and SET NULL for nullable ones', async () => {
    const findings = await run(foreignKeyOnDeleteUnspecified, `
CREATE TABLE orders (id bigint PRIMARY KEY);
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE order_lines (order_id bigint REFERENCES orders, n int, PRIMARY KEY (order_id, n));
CREATE TABLE notes (id bigint PRIMARY KEY, author_id bigint REFERENCES users);`);
    const byTable = Object.fromEntries(findings.map((f) => [f.table, f.help]));
    expect(byTable['public.order_lines']).toContain('suggests owned children: CASCADE');
    expect(byTable['public.notes']).toContain('optional link: SET NULL');
  });

  it('is an info finding', async () => {
    const [finding] = await run(foreignKeyOnDeleteUnspecified, `CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (a_id int NOT NULL REFERENCES a);`);
    expect(finding.severity).toBe('info');
  });
});

describe('cascade-delete-chain', () => {
  const chain = (n: number) =>
    ['CREATE TABLE t0 (id int PRIMARY KEY);', ...Array.from({ length: n }, (_, i) => `CREATE TABLE t${i + 1} (id int PRIMARY KEY, p int REFERENCES t${i} ON DELETE CASCADE);`)].join('\n');

  it('uses maxDepth from the config', async () => {
    expect(await run(cascadeDeleteChain, chain(3), { maxDepth: 3 })).toEqual([]);
    const shallow = await run(cascadeDeleteChain, chain(2), { maxDepth: 1 });
    expect(shallow.map((f) => f.object)).toEqual(['public.t0']);
    expect(shallow[0].message).toContain('public.t0 ← public.t1 ← public.t2');
  });

  it('reports once per root, with the longest branch', async () => {
    const findings = await run(cascadeDeleteChain, `${chain(4)}
CREATE TABLE side (id int PRIMARY KEY, p int REFERENCES t1 ON DELETE CASCADE);
CREATE TABLE other_root (id int PRIMARY KEY);
CREATE TABLE o1 (id int PRIMARY KEY, p int REFERENCES other_root ON DELETE CASCADE);`);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('cascades 4 levels deep');
  });

  it('terminates on cycles and reports a closed cycle once', async () => {
    const findings = await run(cascadeDeleteChain, `
CREATE TABLE a (id int PRIMARY KEY, c_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b ON DELETE CASCADE);
ALTER TABLE a ADD FOREIGN KEY (c_id) REFERENCES c ON DELETE CASCADE;`, { maxDepth: 1 });
    expect(findings.map((f) => f.object)).toEqual(['public.a']);
    expect(findings[0].message).toContain('public.a ← public.b ← public.c');
  });
});

describe('require-not-null', () => {
  it('writes the online SET NOT NULL with a check PostgreSQL 18 will not collide with', async () => {
    const [finding] = await run(requireNotNull, `CREATE TABLE t (id int PRIMARY KEY, active boolean DEFAULT true);`);
    expect(finding.fix!.sql.split('\n')).toEqual([
      '-- Rows where active IS NULL must be backfilled first, or VALIDATE fails.',
      'ALTER TABLE public.t ADD CONSTRAINT t_active_nn_check CHECK (active IS NOT NULL) NOT VALID;',
      'ALTER TABLE public.t VALIDATE CONSTRAINT t_active_nn_check;',
      'ALTER TABLE public.t ALTER COLUMN active SET NOT NULL;',
      'ALTER TABLE public.t DROP CONSTRAINT t_active_nn_check;',
    ]);
  });

  it('gives every reason in one finding per column', async () => {
    const findings = await run(requireNotNull, `
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, code int REFERENCES p ON DELETE CASCADE UNIQUE);`);
    expect(findings).toHaveLength(1);
    expect(findings[0].help).toContain('owned child');
    expect(findings[0].help).toContain('business key');
  });

  it('accepts a CHECK (c IS NOT NULL), validated or not (an unvalidated one is constraint-not-validated\'s finding)', async () => {
    const sql = (notValid: string) => `CREATE TABLE t (id int PRIMARY KEY, created_at timestamptz DEFAULT now());
ALTER TABLE t ADD CONSTRAINT t_created_at_nn CHECK (created_at IS NOT NULL)${notValid};`;
    expect(await run(requireNotNull, sql(''))).toEqual([]);
    // A NOT VALID check mentions the column, which the rule reads as a deliberate choice.
    expect(await run(requireNotNull, sql(' NOT VALID'))).toEqual([]);
  });

  it('skips a composite cascade key that is only partly nullable', async () => {
    const findings = await run(requireNotNull, `
CREATE TABLE folders (tenant_id int, id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE files (id int PRIMARY KEY, tenant_id int NOT NULL, folder_id int,
  FOREIGN KEY (tenant_id, folder_id) REFERENCES folders ON DELETE CASCADE);`);
    expect(findings).toEqual([]);
  });
});

describe('nullable-unique-columns', () => {
  it('counts plain nullable columns next to expression keys, and ignores single-column keys', async () => {
    const findings = await run(nullableUniqueColumns, `
CREATE TABLE t (id int PRIMARY KEY, org int, name text NOT NULL, code text UNIQUE);
CREATE UNIQUE INDEX t_org_lower_name ON t (org, lower(name));
CREATE UNIQUE INDEX t_code_lower ON t (code);`);
    expect(findings.map((f) => f.object)).toEqual(['public.t_org_lower_name']);
  });

  it('accepts NULLS NOT DISTINCT on an index', async () => {
    expect(await run(nullableUniqueColumns, `CREATE TABLE t (id int PRIMARY KEY, a int, b int);
CREATE UNIQUE INDEX t_a_b ON t (a, b) NULLS NOT DISTINCT;`)).toEqual([]);
  });
});

describe('check-nonnegative', () => {
  it('takes its name words from the config', async () => {
    const sql = `CREATE TABLE parcels (id int PRIMARY KEY, weight_kg numeric, price numeric, price_delta numeric);`;
    expect((await run(checkNonnegative, sql)).map((f) => f.object)).toEqual(['public.parcels.price']);
    expect((await run(checkNonnegative, sql, { names: ['weight'] })).map((f) => f.object)).toEqual(['public.parcels.weight_kg']);
    expect((await run(checkNonnegative, sql, { signed: [] })).map((f) => f.object).sort()).toEqual(['public.parcels.price', 'public.parcels.price_delta']);
  });

  it('skips identifiers, generated columns and non-numeric types, and casts zero for money', async () => {
    const findings = await run(checkNonnegative, `CREATE TABLE fees (
  fee_id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  price numeric NOT NULL CHECK (price >= 0),
  total numeric GENERATED ALWAYS AS (price * 2) STORED,
  amount text,
  fee money);`);
    expect(findings.map((f) => f.object)).toEqual(['public.fees.fee']);
    expect(findings[0].fix!.sql).toContain(`CHECK (fee >= '0'::money) NOT VALID;`);
  });

  it('names the constraint after a taken default name', async () => {
    const [finding] = await run(checkNonnegative, `CREATE TABLE t (id int PRIMARY KEY, qty int, other int, CONSTRAINT t_qty_check CHECK (other > 0));`);
    expect(finding.fix!.sql).toContain('ADD CONSTRAINT t_qty_check1 CHECK (qty >= 0) NOT VALID;');
  });
});

describe('created-at-default', () => {
  it('defaults a date column to CURRENT_DATE and ignores non-temporal types', async () => {
    const findings = await run(createdAtDefault, `CREATE TABLE t (id int PRIMARY KEY, created_on date, created_at text, inserted_at bigint);`);
    expect(findings.map((f) => f.object)).toEqual(['public.t.created_on']);
    expect(findings[0].fix!.sql).toBe('ALTER TABLE public.t ALTER COLUMN created_on SET DEFAULT CURRENT_DATE;');
  });

  it('still reports when the only trigger runs AFTER INSERT', async () => {
    const findings = await run(createdAtDefault, `CREATE TABLE t (id int PRIMARY KEY, created_at timestamptz);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();`);
    expect(findings.map((f) => f.object)).toEqual(['public.t.created_at']);
  });
});

describe('constraint-not-validated', () => {
  it('states the locks VALIDATE takes on both tables of a foreign key', async () => {
    const [finding] = await run(constraintNotValidated, `CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int);
ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p NOT VALID;`);
    expect(finding.object).toBe('public.c.c_p_fk');
    expect(finding.help).toContain('ROW SHARE on public.p');
    expect(finding.fix!.sql).toContain('ALTER TABLE public.c VALIDATE CONSTRAINT c_p_fk;');
  });
});

describe('missing-business-key', () => {
  it('does not take a table of instances for a join table', async () => {
    expect(await run(missingBusinessKey, `CREATE TABLE films (id int PRIMARY KEY);
CREATE TABLE stores (id int PRIMARY KEY);
CREATE TABLE inventory (id serial PRIMARY KEY, film_id int NOT NULL REFERENCES films, store_id int NOT NULL REFERENCES stores);`)).toEqual([]);
  });

  it('suggests the pair of a join table named after what it joins', async () => {
    const [finding] = await run(missingBusinessKey, `CREATE TABLE films (id int PRIMARY KEY, title text);
CREATE TABLE actors (id int PRIMARY KEY);
CREATE TABLE film_actors (id serial PRIMARY KEY, film_id int NOT NULL REFERENCES films, actor_id int NOT NULL REFERENCES actors, created_at timestamptz NOT NULL DEFAULT now());`);
    expect(finding.object).toBe('public.film_actors');
    expect(finding.help).toContain('(film_id, actor_id)');
  });

  it('counts an exclusion constraint as a key and skips natural primary keys', async () => {
    expect(await run(missingBusinessKey, `CREATE TABLE rooms (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, EXCLUDE USING btree (name WITH =));
CREATE TABLE currencies (code char(3) PRIMARY KEY, name text NOT NULL);`)).toEqual([]);
  });
});

describe('fixes on partitioned tables, on the embedded PostgreSQL', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
  }, 60_000);
  afterAll(() => engine?.close());

  it('sets NOT NULL and adds a CHECK on a partitioned table', async () => {
    const sql = `CREATE TABLE sales (id bigint, qty integer, created_at timestamptz DEFAULT now(), sold_on date NOT NULL, PRIMARY KEY (id, sold_on)) PARTITION BY RANGE (sold_on);
CREATE TABLE sales_2026 PARTITION OF sales FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO sales VALUES (1, 2, now(), '2026-03-01');`;
    await resetEngine(engine);
    await execStatements(engine, sql);
    const rules = [requireNotNull, checkNonnegative];
    const before = review({ database: (await introspect(engine)).database, rules }).findings;
    expect(before.map((f) => `${f.ruleId} ${f.object}`).sort()).toEqual(['check-nonnegative public.sales.qty', 'require-not-null public.sales.created_at']);
    for (const f of before) await execStatements(engine, f.fix!.sql);
    expect(review({ database: (await introspect(engine)).database, rules }).findings).toEqual([]);
  }, 60_000);
});
