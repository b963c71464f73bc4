/**
 * Cases for planner faults found by review: enum swaps under partial indexes and CHECKs,
 * foreign keys and the keys or unique indexes they reference, tables re-created for a new
 * partitioning, nested domains and composites. Same invariant as DIFF_CASES.
 */
import type { DiffCase } from './diff-cases.js';

const orders = (values: string, extra = '') => `
CREATE TYPE order_status AS ENUM (${values});
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  status order_status NOT NULL DEFAULT 'pending',
  total numeric(10,2)
);
CREATE INDEX idx_orders_paid ON orders (id) WHERE status = 'paid';
CREATE INDEX idx_orders_open ON orders ((status IN ('pending', 'paid')));
ALTER TABLE orders ADD CONSTRAINT orders_shipped_total CHECK (status <> 'shipped' OR total IS NOT NULL);
${extra}`;

const statusFunctions = `
CREATE FUNCTION count_status(p_status order_status DEFAULT 'paid') RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders WHERE status = p_status $$;
CREATE FUNCTION statuses() RETURNS order_status[] LANGUAGE sql IMMUTABLE AS $$ SELECT enum_range(NULL::order_status) $$;`;

const accounts = (key: string, extra = '') => `
CREATE TABLE accounts (id int NOT NULL, region text NOT NULL, code text NOT NULL, ${key});
CREATE TABLE invoices (id int PRIMARY KEY, account_id int, CONSTRAINT invoices_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id));
${extra}`;

const events = (partitioning: string, extra = '') => `
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE events (id serial NOT NULL, at date NOT NULL, kind text, CONSTRAINT events_pkey PRIMARY KEY (id, at))${partitioning};
CREATE INDEX idx_events_kind ON events (kind);
COMMENT ON TABLE events IS 'what happened';
COMMENT ON COLUMN events.at IS 'when';
CREATE TRIGGER events_touch BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TABLE notes (id int PRIMARY KEY, event_id int, event_at date, CONSTRAINT notes_event_fkey FOREIGN KEY (event_id, event_at) REFERENCES events (id, at) ON DELETE CASCADE);
${extra}`;

// Written in dependency order, named so that name order is the wrong one: each type uses one named after it.
const nestedTypes = `
CREATE DOMAIN b_amount AS numeric(12,2);
CREATE DOMAIN a_positive AS b_amount CHECK (VALUE > 0);
CREATE TYPE b_point AS (x b_amount, y b_amount);
CREATE TYPE a_line AS (qty integer, price a_positive, at b_point);
CREATE DOMAIN a_checked_point AS b_point CHECK ((VALUE).x IS NOT NULL);
CREATE TABLE lines (id int PRIMARY KEY, line a_line, corner a_checked_point);
`;

export const FAULT_CASES_A: DiffCase[] = [
  {
    name: 'enum value removed under a partial index, an expression index and a CHECK comparing the enum, one partial index dropped and one added',
    from: orders("'pending', 'paid', 'shipped', 'lost'", "CREATE INDEX idx_orders_lost ON orders (id) WHERE status = 'lost';"),
    to: orders("'pending', 'paid', 'shipped'", "CREATE INDEX idx_orders_shipped ON orders (id) WHERE status = 'shipped';"),
    kinds: ['replace-enum', 'drop-index', 'add-index'],
  },
  {
    name: 'enum values reordered under a partial index and a CHECK comparing the enum',
    from: orders("'pending', 'paid', 'shipped'"),
    to: orders("'pending', 'shipped', 'paid'"),
    kinds: ['replace-enum'],
  },
  {
    name: 'enum value appended under a partial index and a CHECK comparing the enum (the down file swaps)',
    from: orders("'pending', 'paid', 'shipped'"),
    to: orders("'pending', 'paid', 'shipped', 'returned'"),
    kinds: ['add-enum-value'],
  },
  {
    name: 'foreign keys to a new unique index, from an existing and a new table',
    from: accounts('CONSTRAINT accounts_pkey PRIMARY KEY (id)', 'CREATE TABLE refunds (id int PRIMARY KEY, account_code text);'),
    to: accounts(
      'CONSTRAINT accounts_pkey PRIMARY KEY (id)',
      `CREATE UNIQUE INDEX accounts_code_idx ON accounts (code);
CREATE TABLE refunds (id int PRIMARY KEY, account_code text, CONSTRAINT refunds_account_code_fkey FOREIGN KEY (account_code) REFERENCES accounts (code));
CREATE TABLE credits (id int PRIMARY KEY, account_code text REFERENCES accounts (code));`,
    ),
    kinds: ['add-index', 'add-constraint', 'create-table'],
  },
  {
    name: 'primary key gains INCLUDE columns while a foreign key references it',
    from: accounts('CONSTRAINT accounts_pkey PRIMARY KEY (id)'),
    to: accounts('CONSTRAINT accounts_pkey PRIMARY KEY (id) INCLUDE (region)'),
    kinds: ['drop-constraint', 'add-constraint'],
  },
  {
    name: 'primary key columns change, the foreign key moves to a new unique key',
    from: accounts('CONSTRAINT accounts_pkey PRIMARY KEY (id)'),
    to: accounts('CONSTRAINT accounts_pkey PRIMARY KEY (id, region), CONSTRAINT accounts_id_key UNIQUE (id)'),
    kinds: ['drop-constraint', 'add-constraint', 'add-constraint'],
  },
  {
    name: 'unique index a foreign key references changes',
    from: `CREATE TABLE accounts (id int PRIMARY KEY, code text NOT NULL, region text);
CREATE UNIQUE INDEX accounts_code_idx ON accounts (code);
CREATE TABLE refunds (id int PRIMARY KEY, account_code text REFERENCES accounts (code));`,
    to: `CREATE TABLE accounts (id int PRIMARY KEY, code text NOT NULL, region text);
CREATE UNIQUE INDEX accounts_code_idx ON accounts (code) INCLUDE (region);
CREATE TABLE refunds (id int PRIMARY KEY, account_code text REFERENCES accounts (code));`,
    kinds: ['drop-index', 'add-index'],
  },
  {
    name: 'table re-created for a new partitioning keeps its triggers, comments and incoming foreign keys',
    from: events(''),
    to: events(' PARTITION BY RANGE (at)', "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"),
    kinds: ['drop-table', 'create-table', 'create-table', 'drop-trigger', 'create-trigger', 'set-comment', 'set-comment'],
  },
  {
    name: 'enum values reordered while function signatures use the enum',
    from: orders("'pending', 'paid', 'shipped'", statusFunctions),
    to: orders("'pending', 'shipped', 'paid'", statusFunctions),
    kinds: ['replace-enum'],
  },
  {
    name: 'enum value appended while function signatures use the enum (the down file swaps)',
    from: orders("'pending', 'paid', 'shipped'", statusFunctions),
    to: orders("'pending', 'paid', 'shipped', 'returned'", statusFunctions),
    kinds: ['add-enum-value'],
  },
  {
    name: 'domain base type replaced while a function signature uses it',
    from: 'CREATE DOMAIN amount AS integer;\nCREATE FUNCTION double_amount(a amount) RETURNS amount LANGUAGE sql IMMUTABLE AS $$ SELECT (a * 2)::amount $$;',
    to: 'CREATE DOMAIN amount AS bigint;\nCREATE FUNCTION double_amount(a amount) RETURNS amount LANGUAGE sql IMMUTABLE AS $$ SELECT (a * 2)::amount $$;',
    kinds: ['drop-domain', 'create-domain'],
  },
  { name: 'nested domains and composites created in dependency order', from: '', to: nestedTypes, kinds: ['create-domain', 'create-domain', 'create-domain', 'create-composite', 'create-composite', 'create-table'] },
  { name: 'nested domains and composites dropped in dependency order', from: nestedTypes, to: '', kinds: ['drop-domain', 'drop-domain', 'drop-domain', 'drop-composite', 'drop-composite', 'drop-table'] },
];
