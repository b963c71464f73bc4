-- A small online shop: customers, a catalogue, orders, payments, shipments and reviews.
-- Our own example (not from the corpus), used by the README and the tests.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');
CREATE TYPE payment_method AS ENUM ('card', 'paypal', 'bank_transfer');

CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE >= 0);

CREATE TABLE customers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email       citext NOT NULL UNIQUE,
  full_name   text NOT NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  preferences jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE customers IS 'People who can place orders';

CREATE TABLE addresses (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  line1       text NOT NULL,
  city        text NOT NULL,
  postal_code varchar(16) NOT NULL,
  country     char(2) NOT NULL,
  is_default  boolean NOT NULL DEFAULT false
);
CREATE INDEX idx_addresses_customer_id ON addresses (customer_id);
CREATE UNIQUE INDEX idx_addresses_one_default ON addresses (customer_id) WHERE is_default;

CREATE TABLE categories (
  id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id integer REFERENCES categories (id) ON DELETE RESTRICT,
  name      text NOT NULL UNIQUE
);

CREATE TABLE products (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku        text NOT NULL UNIQUE,
  name       text NOT NULL,
  price      positive_amount NOT NULL,
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_products_attributes ON products USING gin (attributes jsonb_path_ops);

CREATE TABLE product_categories (
  product_id  bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  category_id integer NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
  PRIMARY KEY (product_id, category_id)
);
CREATE INDEX idx_product_categories_category_id ON product_categories (category_id);

CREATE TABLE inventory (
  product_id bigint PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  quantity   integer NOT NULL CHECK (quantity >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id         bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
  shipping_address_id bigint REFERENCES addresses (id) ON DELETE SET NULL,
  status              order_status NOT NULL DEFAULT 'pending',
  total               positive_amount NOT NULL,
  placed_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at DESC);
CREATE INDEX idx_orders_paid ON orders (placed_at) WHERE status = 'paid';

CREATE TABLE order_items (
  order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no    smallint NOT NULL,
  product_id bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  quantity   integer NOT NULL CHECK (quantity > 0),
  unit_price positive_amount NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX idx_order_items_product_id ON order_items (product_id);

CREATE TABLE payments (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
  method     payment_method NOT NULL,
  amount     positive_amount NOT NULL,
  paid_at    timestamptz NOT NULL DEFAULT now(),
  reference  text UNIQUE
);
CREATE INDEX idx_payments_order_id ON payments (order_id);

CREATE TABLE shipments (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id     bigint NOT NULL UNIQUE REFERENCES orders (id) ON DELETE RESTRICT,
  carrier      text NOT NULL,
  tracking_no  text,
  shipped_at   timestamptz,
  delivered_at timestamptz,
  CHECK (delivered_at IS NULL OR delivered_at >= shipped_at)
);

CREATE TABLE reviews (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id  bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  body        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, customer_id)
);
CREATE INDEX idx_reviews_customer_id ON reviews (customer_id);

-- Append-only audit trail, partitioned by month so old months can be detached and archived.
CREATE TABLE order_events (
  order_id    bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  kind        text NOT NULL,
  payload     jsonb,
  PRIMARY KEY (order_id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE order_events_2026_11 PARTITION OF order_events FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE order_events_2026_12 PARTITION OF order_events FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');

CREATE VIEW customer_order_totals AS
  SELECT c.id AS customer_id, c.email, count(o.id) AS orders, coalesce(sum(o.total), 0) AS spent
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.email;

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER trg_inventory_touch BEFORE UPDATE ON inventory FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
