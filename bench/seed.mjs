// Seed figures: `npm run bench:seed`. A shop schema (customers, orders, order_items, products,
// categories, a join table; identity and serial keys, enums, CHECKs, jsonb, arrays, a self-
// reference) filled by `seed` on the embedded engine and on the PostgreSQL server
// (SCHEMAWISE_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres: a
// scratch database is created there and dropped). For each table, seed's rows per second
// against the ceiling: the simplest INSERT ... SELECT ... generate_series that fills the same
// table with valid rows (constants, keys from g) on the same engine. Target: at least half.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withScratchDatabase } from './scratch-database.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createEmbeddedEngine, connectServer, introspect, planSeed, runSeed, initParser } = await import(path.join(root, 'dist/index.js'));
await initParser();

const SCHEMA = `
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL, birth_date date, prefs jsonb, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE products (id serial PRIMARY KEY, sku varchar(12) NOT NULL UNIQUE, name text NOT NULL, price numeric(10,2) NOT NULL CHECK (price > 0), tags text[]);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL UNIQUE, parent_id int REFERENCES categories (id));
CREATE TABLE product_categories (product_id int NOT NULL REFERENCES products (id), category_id int NOT NULL REFERENCES categories (id), PRIMARY KEY (product_id, category_id));
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), status order_status NOT NULL, total numeric(12,2) NOT NULL CHECK (total >= 0), placed_at timestamptz NOT NULL, shipped_at timestamptz, CHECK (shipped_at > placed_at));
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE, product_id int NOT NULL REFERENCES products (id), quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 50), PRIMARY KEY (order_id, product_id));
`;
const scale = Number(process.env.SEED_BENCH_SCALE ?? 1);
const ROWS = { categories: 200, customers: 50_000, products: 5_000, product_categories: 10_000, orders: 200_000, order_items: 400_000 };
for (const k of Object.keys(ROWS)) ROWS[k] = Math.round(ROWS[k] * scale);

/** The ceiling: constants and keys from g (parents' keys are 1..N: identity, serial, or g itself). */
const CEILING = {
  categories: (n) => `INSERT INTO categories (id, name) SELECT g, 'c' || g FROM generate_series(1, ${n}) g`,
  customers: (n) => `INSERT INTO customers (email, full_name, created_at) SELECT 'u' || g || '@example.com', 'name', now() FROM generate_series(1, ${n}) g`,
  products: (n) => `INSERT INTO products (sku, name, price) SELECT 's' || g, 'p', 1 FROM generate_series(1, ${n}) g`,
  product_categories: (n) => `INSERT INTO product_categories SELECT 1 + (g - 1) % ${ROWS.products}, 1 + (g - 1) / ${ROWS.products} FROM generate_series(1, ${n}) g`,
  orders: (n) => `INSERT INTO orders (customer_id, status, total, placed_at) SELECT 1 + g % ${ROWS.customers}, 'paid', 1, now() FROM generate_series(1, ${n}) g`,
  order_items: (n) => `INSERT INTO order_items SELECT 1 + (g - 1) % ${ROWS.orders}, 1 + (g - 1) / ${ROWS.orders}, 1 FROM generate_series(1, ${n}) g`,
};

async function measure(label, engine, reset) {
  await reset();
  await engine.exec(SCHEMA);
  const plan = planSeed((await introspect(engine)).database, { rows: new Map(Object.entries(ROWS)), anchor: '2026-11-25' });
  const report = await runSeed(engine, plan);
  await reset();
  await engine.exec(SCHEMA);
  const ceiling = {};
  for (const t of report.tables) {
    const t0 = performance.now();
    await engine.exec(CEILING[t.table.name](ROWS[t.table.name]));
    ceiling[t.table.name] = performance.now() - t0;
  }
  console.log(`\n${label}`);
  console.log(`${'table'.padEnd(20)} ${'rows'.padStart(8)}  ${'seed rows/s'.padStart(12)}  ${'ceiling rows/s'.padStart(14)}  ratio`);
  let [seedMs, ceilMs, rows] = [0, 0, 0];
  for (const t of report.tables) {
    const name = t.table.name;
    seedMs += t.ms;
    ceilMs += ceiling[name];
    rows += t.generated;
    const [a, b] = [t.generated / (t.ms / 1000), ROWS[name] / (ceiling[name] / 1000)];
    console.log(`${name.padEnd(20)} ${String(t.generated).padStart(8)}  ${Math.round(a).toString().padStart(12)}  ${Math.round(b).toString().padStart(14)}  ${(a / b).toFixed(2)}`);
  }
  console.log(`${'all'.padEnd(20)} ${String(rows).padStart(8)}  ${Math.round(rows / (seedMs / 1000)).toString().padStart(12)}  ${Math.round(rows / (ceilMs / 1000)).toString().padStart(14)}  ${(ceilMs / seedMs).toFixed(2)}   (seed total with ANALYZE: ${(report.ms / 1000).toFixed(1)} s)`);
}

const reset = (engine) => () => engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
const embedded = await createEmbeddedEngine();
await measure('embedded (PGlite)', embedded, reset(embedded));
await embedded.close();

await withScratchDatabase(connectServer, 'schemawise_bench_seed', async (url) => {
  const server = await connectServer(url);
  await measure(`server (${(await server.query('SHOW server_version'))[0].server_version})`, server, reset(server));
  await server.close();
});
