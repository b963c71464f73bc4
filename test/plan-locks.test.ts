/** The lock each planned statement names: what a reviewer reads before running a migration. */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffModels } from '../src/diff/diff-models.js';
import { loadStatic } from '../src/load/load-schema.js';
import { initNormalizer } from '../src/model/normalize.js';
import { planChanges } from '../src/plan/plan-changes.js';

async function locks(from: string, to: string, offline = false) {
  const a = (await loadStatic([{ file: 'from.sql', sql: from }])).database;
  const b = (await loadStatic([{ file: 'to.sql', sql: to }])).database;
  return planChanges(diffModels(a, b), { offline }).statements.map((s) => [s.sql.split('\n').at(-1), s.lock ? `${s.lock.level} on ${s.lock.on}` : null]);
}

const base = 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);';

describe('locks of foreign keys and partitions', () => {
  beforeAll(() => initNormalizer());

  it('a foreign key added to existing tables locks both, then validates under SHARE UPDATE EXCLUSIVE', async () => {
    const plan = await locks(base, `${base}\nALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);`);
    expect(plan.sort((x, y) => (x[0]! < y[0]! ? -1 : 1))).toEqual([
      ['ALTER TABLE public.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT VALID;', 'SHARE ROW EXCLUSIVE on public.orders and public.customers'],
      ['ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_id_fkey;', 'SHARE UPDATE EXCLUSIVE on public.orders'],
    ]);
  });

  it('a new table referencing an existing one locks the existing one', async () => {
    const plan = await locks(base, `${base}\nCREATE TABLE refunds (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`);
    expect(plan.find(([sql]) => sql!.includes('FOREIGN KEY'))).toEqual([
      'ALTER TABLE public.refunds ADD CONSTRAINT refunds_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers (id);',
      'SHARE ROW EXCLUSIVE on public.customers',
    ]);
  });

  it('a foreign key between two new tables locks nothing anyone uses', async () => {
    const plan = await locks('', base.replace('customer_id bigint', 'customer_id bigint REFERENCES customers (id)'));
    expect(plan.filter(([, lock]) => lock !== null)).toEqual([]);
  });

  it('ATTACH PARTITION names the partition it locks ACCESS EXCLUSIVE', async () => {
    const parent = 'CREATE TABLE m (at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE m_2026 (at date NOT NULL);';
    const plan = await locks(parent, `${parent}\nALTER TABLE m ATTACH PARTITION m_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`);
    expect(plan).toEqual([
      ["ALTER TABLE public.m ATTACH PARTITION public.m_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');", 'SHARE UPDATE EXCLUSIVE on public.m (ACCESS EXCLUSIVE on the partition public.m_2026)'],
    ]);
  });
});
