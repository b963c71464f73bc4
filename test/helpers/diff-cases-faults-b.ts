/**
 * Cases for faults a second review found (generated columns, renames, collations in other
 * schemas, functions re-created under their users, partition index copies): each must
 * round-trip like the others (test/diff-invariant.test.ts).
 */
import type { DiffCase } from './diff-cases.js';

const renames = (tables: Record<string, string>, columns: Record<string, string> = {}) => ({ tables: new Map(Object.entries(tables)), columns: new Map(Object.entries(columns)) });

// A generated (or plain) column with what DROP COLUMN takes with it: indexes, a CHECK, a
// unique key another table references, a comment, a view.
const items = (total: string) => `
CREATE TABLE items (
  id int PRIMARY KEY,
  price numeric NOT NULL,
  qty int NOT NULL,
  ${total},
  CONSTRAINT items_total_key UNIQUE (total),
  CONSTRAINT items_total_check CHECK (total >= 0)
);
CREATE INDEX items_total_idx ON items (total);
CREATE INDEX items_big_idx ON items (id) WHERE total > 100;
COMMENT ON COLUMN items.total IS 'price times quantity';
CREATE TABLE invoices (id int PRIMARY KEY, total numeric REFERENCES items (total));
CREATE VIEW item_totals AS SELECT id, total FROM items;`;
const generated = (expression: string) => items(`total numeric GENERATED ALWAYS AS (${expression}) STORED`);

// A function used by a view, a default, a CHECK, an expression and a partial index, and a
// SQL-standard function (itself used by a view): changing its parameter's name re-creates it.
const norm = (parameter: string) => `
CREATE FUNCTION norm(${parameter} text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
CREATE FUNCTION tagged(p text) RETURNS text LANGUAGE sql IMMUTABLE RETURN norm(p) || '!';
CREATE TABLE people (
  id int PRIMARY KEY,
  email text NOT NULL DEFAULT norm('NOBODY'),
  CONSTRAINT people_email_check CHECK (norm(email) <> '')
);
CREATE UNIQUE INDEX people_norm_email ON people (norm(email));
CREATE INDEX people_tagged ON people (id) WHERE tagged(email) <> '!';
CREATE VIEW people_norm AS SELECT id, norm(email) AS email FROM people;
CREATE VIEW people_tagged_view AS SELECT id, tagged(email) AS tag FROM people;
CREATE VIEW people_norm_ids AS SELECT id FROM people_norm;`;

const events = (partitions: string) => `
CREATE TABLE events (id int NOT NULL, at date NOT NULL, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE INDEX events_kind_idx ON events (kind);
CREATE INDEX events_lower_kind_idx ON events (lower(kind)) WHERE kind IS NOT NULL;
${partitions}`;
const partition2024 = `CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`;
const partition2025 = `CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`;

const logs = `
CREATE TABLE kinds (name text PRIMARY KEY);
CREATE TABLE logs (id int NOT NULL, at date NOT NULL, kind text REFERENCES kinds, CONSTRAINT logs_at_check CHECK (at > '2000-01-01')) PARTITION BY RANGE (at);`;

export const FAULT_CASES_B: DiffCase[] = [
  {
    name: 'generated column expression changed: its keys, indexes, CHECK, comment and view come back',
    from: generated('price * qty'),
    to: generated('price * qty * 2'),
    kinds: ['alter-column', 'drop-view', 'create-view'],
  },
  {
    name: 'generated column expression changed with SET EXPRESSION (PostgreSQL 17)',
    from: generated('price * qty'),
    to: generated('price * qty * 2'),
    kinds: ['alter-column', 'drop-view', 'create-view'],
    pgVersion: 17,
  },
  {
    name: 'generated column made plain (DROP EXPRESSION keeps the values)',
    from: generated('price * qty'),
    to: items('total numeric'),
    kinds: ['alter-column', 'drop-view', 'create-view'],
  },
  {
    name: 'plain column made generated: its keys, indexes, CHECK, comment and view come back',
    from: items('total numeric'),
    to: generated('price * qty'),
    kinds: ['alter-column', 'drop-view', 'create-view'],
  },
  {
    name: 'column renamed while a CHECK, an index, a default and a trigger mention it',
    from: `CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL DEFAULT 0 CHECK (qty >= 0), reserved int GENERATED ALWAYS AS (qty / 2) STORED);
CREATE INDEX stock_low ON stock (id) WHERE qty < 10;
CREATE INDEX stock_qty_expr ON stock ((qty * 2));
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER stock_touch BEFORE UPDATE OF qty ON stock FOR EACH ROW WHEN (OLD.qty IS DISTINCT FROM NEW.qty) EXECUTE FUNCTION touch();`,
    to: `CREATE TABLE stock (id int PRIMARY KEY, quantity int NOT NULL DEFAULT 0 CONSTRAINT stock_quantity_check CHECK (quantity >= 0), reserved int GENERATED ALWAYS AS (quantity / 2) STORED);
CREATE INDEX stock_low ON stock (id) WHERE quantity < 10;
CREATE INDEX stock_qty_expr ON stock ((quantity * 2));
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER stock_touch BEFORE UPDATE OF quantity ON stock FOR EACH ROW WHEN (OLD.quantity IS DISTINCT FROM NEW.quantity) EXECUTE FUNCTION touch();`,
    kinds: ['rename-column', 'rename-constraint'],
    renames: renames({}, { 'public.stock.qty': 'quantity' }),
  },
  {
    name: 'table renamed while views read it, one of them changed',
    from: `CREATE TABLE stock (id int PRIMARY KEY, qty int);
CREATE VIEW low_stock AS SELECT id FROM stock WHERE qty < 10;
CREATE VIEW stock_ids AS SELECT s.id FROM public.stock s;`,
    to: `CREATE TABLE inventory (id int PRIMARY KEY, qty int);
CREATE VIEW low_stock AS SELECT id FROM inventory WHERE qty < 5;
CREATE VIEW stock_ids AS SELECT s.id FROM public.inventory s;`,
    // The views name the old table: re-created (dropped before the rename, so the down file can build them back after it).
    kinds: ['rename-table', 'rename-constraint', 'drop-view', 'create-view', 'drop-view', 'create-view'],
    renames: renames({ 'public.stock': 'inventory' }),
  },
  {
    name: 'column renamed while a view reads it (the view is re-created)',
    from: `CREATE TABLE stock (id int PRIMARY KEY, qty int CHECK (qty >= 0));
CREATE VIEW low_stock AS SELECT id, qty FROM stock WHERE qty < 10;`,
    to: `CREATE TABLE stock (id int PRIMARY KEY, quantity int CONSTRAINT stock_quantity_check CHECK (quantity >= 0));
CREATE VIEW low_stock AS SELECT id, quantity FROM stock WHERE quantity < 10;`,
    kinds: ['rename-column', 'rename-constraint', 'drop-view', 'create-view'],
    renames: renames({}, { 'public.stock.qty': 'quantity' }),
  },
  {
    name: 'collations in another schema keep their schema',
    from: `CREATE SCHEMA s;
CREATE COLLATION s.ci (locale = 'C');
CREATE COLLATION s."Mixed Case" (locale = 'C');
CREATE COLLATION public.plain_c (locale = 'C');
CREATE TABLE words (id int PRIMARY KEY, w text COLLATE "C", v text);
CREATE INDEX words_w_ci ON words (w COLLATE "C");`,
    to: `CREATE SCHEMA s;
CREATE COLLATION s.ci (locale = 'C');
CREATE COLLATION s."Mixed Case" (locale = 'C');
CREATE COLLATION public.plain_c (locale = 'C');
CREATE TABLE words (id int PRIMARY KEY, w text COLLATE s.ci, v text COLLATE s."Mixed Case", x text COLLATE pg_catalog."POSIX");
CREATE INDEX words_w_ci ON words (w COLLATE s."Mixed Case");
CREATE TABLE s.labels (name text COLLATE s.ci, code varchar(10) COLLATE public.plain_c);`,
    kinds: ['alter-column', 'alter-column', 'add-column', 'drop-index', 'add-index', 'create-table'],
  },
  {
    name: 'function re-created while views, a default, a CHECK, indexes and a SQL-standard function use it',
    from: norm('p'),
    to: norm('value'),
    kinds: ['drop-function', 'create-function'],
  },
  {
    name: 'function re-created while a default and an index using it change too',
    from: `CREATE FUNCTION norm(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
CREATE TABLE tags (a text DEFAULT norm('A'), b text);
CREATE INDEX tags_b ON tags (norm(b));`,
    to: `CREATE FUNCTION norm(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
CREATE TABLE tags (a varchar(20) DEFAULT norm('B'), b text);
CREATE INDEX tags_b ON tags (norm(b), a);`,
    kinds: ['drop-function', 'create-function', 'alter-column', 'drop-index', 'add-index'],
  },
  {
    name: 'partition detached keeping some index and key copies, another attached',
    from: `${events(partition2024)}\nCREATE TABLE events_2025 (id int NOT NULL, at date NOT NULL, kind text);\nCREATE INDEX events_2025_by_kind ON events_2025 (kind);`,
    to: `${events(partition2025)}
CREATE TABLE events_2024 (id int NOT NULL, at date NOT NULL, kind text, CONSTRAINT events_2024_pkey PRIMARY KEY (id, at));
CREATE INDEX events_2024_lower_idx ON events_2024 (lower(kind)) WHERE kind IS NOT NULL;`,
    // events_2024 keeps its key and lower(kind) clones, drops its kind one.
    kinds: ['detach-partition', 'attach-partition', 'drop-index'],
  },
  {
    name: 'partition detached dropping its copies, a table with keys attached',
    from: `${events(partition2024)}\nCREATE TABLE events_2025 (id int NOT NULL, at date NOT NULL, kind text, CONSTRAINT events_2025_pk PRIMARY KEY (id, at));`,
    to: `${events(partition2025)}\nCREATE TABLE events_2024 (id int NOT NULL, at date NOT NULL, kind text);`,
    kinds: ['detach-partition', 'attach-partition', 'drop-constraint', 'drop-index', 'drop-index'],
  },
  {
    name: 'partition with a foreign key and a CHECK from its parent detached, another attached',
    from: `${logs}
CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE logs_2025 (id int NOT NULL, at date NOT NULL, kind text, CONSTRAINT logs_at_check CHECK (at > '2000-01-01'));`,
    to: `${logs}
CREATE TABLE logs_2025 PARTITION OF logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE logs_2024 (id int NOT NULL, at date NOT NULL, kind text);`,
    kinds: ['detach-partition', 'attach-partition', 'drop-constraint', 'drop-constraint'],
  },
];
