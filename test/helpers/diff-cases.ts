/** Our own diff cases: each `from` → `to` must round-trip (test/diff-invariant.test.ts). */
import { FAULT_CASES_A } from './diff-cases-faults-a.js';
import { FAULT_CASES_B } from './diff-cases-faults-b.js';
import type { Renames } from '../../src/diff/changes.js';
export interface DiffCase {
  name: string;
  from: string;
  to: string;
  /** The change kinds the diff must find, in any order. */
  kinds: string[];
  /** `--rename` pairs the diff is given. */
  renames?: Renames;
  /** The plan's target version (default 15); the case runs only on servers at least this recent. */
  pgVersion?: number;
}

const shop = `
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, name text);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status order_status NOT NULL DEFAULT 'pending',
  total numeric(10,2),
  note varchar(50)
);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
`;

// A trigger function for the function and trigger cases (their definitions are compared too).
const audit = (message = 'changed') => `
CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'order % ${message} by %', NEW.id, TG_ARGV[0];
  RETURN NEW;
END $$;`;

export const DIFF_CASES: DiffCase[] = [
  { name: 'identical', from: shop, to: shop, kinds: [] },
  { name: 'create everything from empty', from: '', to: shop, kinds: ['create-enum', 'create-table', 'create-table'] },
  { name: 'drop everything', from: shop, to: '', kinds: ['drop-enum', 'drop-table', 'drop-table'] },
  {
    // Tables are created in name order: the down must drop the foreign keys before the tables they reference.
    name: 'create tables whose names do not follow their references',
    from: '',
    to: 'CREATE TABLE c_customers (id int PRIMARY KEY);\nCREATE TABLE b_orders (id int PRIMARY KEY, customer_id int REFERENCES c_customers (id));\nCREATE TABLE a_items (order_id int REFERENCES b_orders (id));',
    kinds: ['create-table', 'create-table', 'create-table'],
  },
  { name: 'add a nullable column and a column with a default', from: shop, to: `${shop}\nALTER TABLE customers ADD COLUMN phone text;\nALTER TABLE customers ADD COLUMN active boolean NOT NULL DEFAULT true;`, kinds: ['add-column', 'add-column'] },
  { name: 'drop a column', from: `${shop}\nALTER TABLE customers ADD COLUMN phone text;`, to: shop, kinds: ['drop-column'] },
  { name: 'widen a varchar and a numeric', from: shop, to: shop.replace('varchar(50)', 'varchar(200)').replace('numeric(10,2)', 'numeric(12,2)'), kinds: ['alter-column', 'alter-column'] },
  { name: 'change a type with a rewrite', from: shop, to: shop.replace('note varchar(50)', 'note text').replace('total numeric(10,2)', 'total numeric(12,4)'), kinds: ['alter-column', 'alter-column'] },
  { name: 'set and drop NOT NULL', from: shop, to: shop.replace('name text)', 'name text NOT NULL)').replace('email text NOT NULL', 'email text'), kinds: ['alter-column', 'alter-column'] },
  { name: 'set, change and drop defaults', from: shop, to: shop.replace("DEFAULT 'pending'", "DEFAULT 'paid'").replace('total numeric(10,2)', 'total numeric(10,2) DEFAULT 0'), kinds: ['alter-column', 'alter-column'] },
  { name: 'add a CHECK and a UNIQUE on existing tables', from: shop, to: `${shop}\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\nALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);`, kinds: ['add-constraint', 'add-constraint'] },
  { name: 'add a foreign key to a new key', from: `${shop}\nCREATE TABLE refunds (id int PRIMARY KEY, customer_email text);`, to: `${shop}\nCREATE TABLE refunds (id int PRIMARY KEY, customer_email text);\nALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);\nALTER TABLE refunds ADD CONSTRAINT refunds_customer_email_fkey FOREIGN KEY (customer_email) REFERENCES customers (email);`, kinds: ['add-constraint', 'add-constraint'] },
  { name: 'add a primary key to a table without one', from: 'CREATE TABLE events (id bigint NOT NULL, at timestamptz);', to: 'CREATE TABLE events (id bigint NOT NULL, at timestamptz, CONSTRAINT events_pkey PRIMARY KEY (id));', kinds: ['add-constraint'] },
  { name: 'drop and change constraints', from: `${shop}\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);`, to: `${shop.replace('REFERENCES customers (id)', 'REFERENCES customers (id) ON DELETE CASCADE')}\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);`, kinds: ['drop-constraint', 'add-constraint', 'drop-constraint', 'add-constraint'] },
  {
    name: 'indexes: partial, expression, covering, descending, changed',
    from: shop,
    to: `${shop.replace('ON orders (customer_id)', 'ON orders (customer_id, id DESC)')}\nCREATE INDEX idx_orders_paid ON orders (id) WHERE status = 'paid';\nCREATE UNIQUE INDEX idx_customers_lower_email ON customers (lower(email));\nCREATE INDEX idx_orders_status ON orders (status) INCLUDE (total);`,
    kinds: ['drop-index', 'add-index', 'add-index', 'add-index', 'add-index'],
  },
  { name: 'append and insert enum values', from: shop, to: shop.replace("('pending', 'paid', 'shipped')", "('pending', 'authorized', 'paid', 'shipped', 'returned')"), kinds: ['add-enum-value', 'add-enum-value'] },
  { name: 'remove an enum value (type swap)', from: shop, to: shop.replace("('pending', 'paid', 'shipped')", "('pending', 'shipped', 'paid')"), kinds: ['replace-enum'] },
  {
    name: 'schemas, domains, sequences and comments',
    from: shop,
    to: `${shop}\nCREATE SCHEMA billing;\nCREATE DOMAIN billing.positive AS numeric CHECK (VALUE > 0);\nCREATE SEQUENCE billing.invoice_no AS integer;\nCREATE TABLE billing.invoices (id bigint PRIMARY KEY, amount billing.positive NOT NULL, no integer DEFAULT nextval('billing.invoice_no'));\nCOMMENT ON TABLE customers IS 'people who buy';\nCOMMENT ON COLUMN orders.total IS 'in EUR';`,
    kinds: ['create-schema', 'create-domain', 'create-sequence', 'create-table', 'set-comment', 'set-comment'],
  },
  {
    name: 'view over a column whose type changes is re-created',
    from: `${shop}\nCREATE VIEW order_notes AS SELECT id, note FROM orders;`,
    to: `${shop.replace('note varchar(50)', 'note varchar(20)')}\nCREATE VIEW order_notes AS SELECT id, note FROM orders;`,
    kinds: ['alter-column', 'drop-view', 'create-view'],
  },
  {
    name: 'partitions: new partitioned table, attach and detach',
    from: `CREATE TABLE measurements (at date NOT NULL, value int) PARTITION BY RANGE (at);\nCREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE measurements_2025 (at date NOT NULL, value int);`,
    to: `CREATE TABLE measurements (at date NOT NULL, value int) PARTITION BY RANGE (at);\nCREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nCREATE TABLE measurements_2024 (at date NOT NULL, value int);\nCREATE INDEX idx_measurements_at ON measurements (at);`,
    kinds: ['detach-partition', 'attach-partition', 'add-index'],
  },
  {
    name: 'identity and serial',
    from: 'CREATE TABLE tags (id serial PRIMARY KEY, name text);',
    to: 'CREATE TABLE tags (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text);',
    kinds: ['drop-sequence', 'alter-column'],
  },
  {
    name: 'materialized view and trigger',
    from: `${shop}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;`,
    to: `${shop}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\nCREATE MATERIALIZED VIEW customer_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;\nCREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`,
    kinds: ['create-view', 'create-trigger'],
  },

  { name: 'enum values added at the start, one used by a new default', from: shop, to: shop.replace("('pending', 'paid', 'shipped')", "('draft', 'new', 'pending', 'paid', 'shipped')").replace("DEFAULT 'pending'", "DEFAULT 'draft'"), kinds: ['add-enum-value', 'add-enum-value', 'alter-column'] },
  { name: 'index with a dropped column in INCLUDE and WHERE', from: `${shop}\nCREATE INDEX idx_orders_status_note ON orders (status) INCLUDE (note) WHERE total > 0;`, to: shop.replace('total numeric(10,2),', '').replace(',\n  note varchar(50)', ''), kinds: ['drop-column', 'drop-index'] },
  { name: 'type change whose default does not cast', from: 'CREATE TABLE t (id int PRIMARY KEY, a text DEFAULT \'1\');', to: 'CREATE TABLE t (id int PRIMARY KEY, a integer DEFAULT 1);', kinds: ['alter-column'] },
  { name: 'foreign key to a new key in another column order', from: 'CREATE TABLE p (a int NOT NULL, b int NOT NULL);\nCREATE TABLE c (x int, y int);', to: 'CREATE TABLE p (a int NOT NULL, b int NOT NULL, CONSTRAINT p_a_b_key UNIQUE (a, b));\nCREATE TABLE c (x int, y int, CONSTRAINT c_fk FOREIGN KEY (y, x) REFERENCES p (b, a));', kinds: ['add-constraint', 'add-constraint'] },
  { name: 'domain base type replaced', from: 'CREATE DOMAIN amount AS integer;', to: 'CREATE DOMAIN amount AS bigint;', kinds: ['drop-domain', 'create-domain'] },
  { name: 'two long columns made NOT NULL', from: 'CREATE TABLE a_table_name_that_is_forty_characters_long (aaaaaaaaaaaaaaaaaaaaaaaa_x int, aaaaaaaaaaaaaaaaaaaaaaaa_y int);', to: 'CREATE TABLE a_table_name_that_is_forty_characters_long (aaaaaaaaaaaaaaaaaaaaaaaa_x int NOT NULL, aaaaaaaaaaaaaaaaaaaaaaaa_y int NOT NULL);', kinds: ['alter-column', 'alter-column'] },
  {
    name: 'new function and triggers using it: UPDATE OF, WHEN, arguments, REFERENCING, constraint trigger',
    from: shop,
    to: `${shop}${audit()}
CREATE TRIGGER orders_audit AFTER UPDATE OF status, total ON orders FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE PROCEDURE audit_order('app', 1);
CREATE TRIGGER orders_purge AFTER DELETE ON orders REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION public.audit_order('purge');
CREATE CONSTRAINT TRIGGER customers_check AFTER INSERT ON customers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_order();`,
    kinds: ['create-function', 'create-trigger', 'create-trigger', 'create-trigger'],
  },
  {
    name: 'function bodies, options and a default value changed: CREATE OR REPLACE',
    from: `${shop}${audit()}
CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_order('app');
CREATE FUNCTION order_count(p_customer bigint, p_status order_status DEFAULT 'paid') RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders WHERE customer_id = p_customer AND status = p_status $$;`,
    to: `${shop}${audit('updated')}
CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_order('app');
CREATE FUNCTION order_count(p_customer int8, p_status order_status = 'pending') RETURNS int8 LANGUAGE sql STABLE STRICT AS $$ SELECT count(*) FROM orders WHERE customer_id = p_customer AND status >= p_status $$;`,
    kinds: ['replace-function', 'replace-function'],
  },
  {
    name: 'function result type and parameter name changed: dropped and created again, the trigger function calling it kept',
    from: `${shop}
CREATE FUNCTION order_lines(p_id bigint) RETURNS integer LANGUAGE sql STABLE AS $$ SELECT count(*)::int FROM orders WHERE id = p_id $$;
CREATE FUNCTION check_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM order_lines(NEW.id); RETURN NEW; END $$;
CREATE TRIGGER orders_check BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION check_order();`,
    to: `${shop}
CREATE FUNCTION order_lines(order_id bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders WHERE id = order_id $$;
CREATE FUNCTION check_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM order_lines(NEW.id); RETURN NEW; END $$;
CREATE TRIGGER orders_check BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION check_order();`,
    kinds: ['drop-function', 'create-function'],
  },
  {
    name: 'trigger WHEN, UPDATE OF columns and arguments changed',
    from: `${shop}${audit()}
CREATE TRIGGER orders_total AFTER UPDATE ON orders FOR EACH ROW WHEN (OLD.total <> NEW.total) EXECUTE FUNCTION audit_order('total');
CREATE TRIGGER orders_status AFTER UPDATE OF status ON orders FOR EACH ROW EXECUTE FUNCTION audit_order('status');
CREATE TRIGGER orders_new AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_order('new');`,
    to: `${shop}${audit()}
CREATE TRIGGER orders_total AFTER UPDATE ON orders FOR EACH ROW WHEN (OLD.total IS DISTINCT FROM NEW.total) EXECUTE FUNCTION audit_order('total');
CREATE TRIGGER orders_status AFTER UPDATE OF status, note ON orders FOR EACH ROW EXECUTE FUNCTION audit_order('status');
CREATE TRIGGER orders_new AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_order('new', 'web');`,
    kinds: ['drop-trigger', 'create-trigger', 'drop-trigger', 'create-trigger', 'drop-trigger', 'create-trigger'],
  },
  {
    name: 'functions and a procedure dropped',
    from: `${shop}
CREATE FUNCTION customer_email(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$ SELECT email FROM customers WHERE id = p_id $$;
CREATE FUNCTION customer_email(p_email text) RETURNS text LANGUAGE sql IMMUTABLE RETURN lower(p_email);
CREATE PROCEDURE forget_customer(p_id bigint) LANGUAGE sql BEGIN ATOMIC DELETE FROM customers WHERE id = p_id; END;`,
    to: shop,
    kinds: ['drop-function', 'drop-function', 'drop-function'],
  },
  {
    name: 'functions in the default, CHECK and generated column of a new table, three reading it',
    from: shop,
    // As pg_dump writes it: next_code and first_code read coupons, which does not exist yet; coupon_total's SQL-standard body is resolved at once, so it comes after.
    to: `SET check_function_bodies = false;
${shop}
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'C-' || (count(*) + 1) FROM coupons $$;
CREATE FUNCTION first_code() RETURNS text LANGUAGE plpgsql AS $$ DECLARE c coupons%ROWTYPE; BEGIN SELECT * INTO c FROM coupons LIMIT 1; RETURN c.code; END $$;
CREATE FUNCTION valid_code(code text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT code ~ '^C-' $$;
CREATE FUNCTION discounted(amount numeric, pct integer) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN amount * (100 - pct) / 100;
CREATE TABLE coupons (
  code text PRIMARY KEY DEFAULT next_code() CHECK (valid_code(code)),
  amount numeric NOT NULL,
  pct integer NOT NULL,
  net numeric GENERATED ALWAYS AS (discounted(amount, pct)) STORED
);
CREATE FUNCTION coupon_total() RETURNS numeric LANGUAGE sql STABLE BEGIN ATOMIC SELECT sum(net) FROM coupons; END;`,
    kinds: ['create-function', 'create-function', 'create-function', 'create-function', 'create-function', 'create-table'],
  },
  {
    name: 'functions and triggers spelled differently are unchanged',
    from: `CREATE SCHEMA app;
CREATE FUNCTION app.bump(p_qty int DEFAULT 1) RETURNS int LANGUAGE sql IMMUTABLE STRICT AS 'SELECT p_qty + 1';
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE app.items (id int, qty int DEFAULT app.bump(0));
CREATE TRIGGER items_touch BEFORE UPDATE ON app.items FOR EACH ROW WHEN (OLD.qty <> NEW.qty) EXECUTE PROCEDURE app.touch('a b');`,
    to: `CREATE SCHEMA app;
SET search_path = app;
CREATE FUNCTION "bump"(p_qty integer = 1::integer) RETURNS int4 STRICT IMMUTABLE LANGUAGE 'sql' AS $x$SELECT p_qty + 1$x$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TABLE items (id integer, qty int4 DEFAULT bump(0));
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW WHEN ((old.qty <> new.qty)) EXECUTE FUNCTION touch($$a b$$);
RESET search_path;`,
    kinds: [],
  },
  {
    name: 'a key renamed while a foreign key references it, and a CHECK renamed',
    from: 'CREATE TABLE customers (id int CONSTRAINT customers_pkey PRIMARY KEY, age int CONSTRAINT customers_age_check CHECK (age > 0));\nCREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id));',
    to: 'CREATE TABLE customers (id int CONSTRAINT pk_customers PRIMARY KEY, age int CONSTRAINT chk_customers_age CHECK (age > 0));\nCREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id));',
    kinds: ['rename-constraint', 'rename-constraint'],
  },
  ...FAULT_CASES_A,
  ...FAULT_CASES_B,
];
