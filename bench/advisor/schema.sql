-- schemawise advise benchmark: the schema.
--
-- A multi-tenant SaaS that sells a hosted shop with a helpdesk attached: each tenant (a
-- merchant) has staff and customer accounts, a catalogue, orders and payments, support tickets
-- with comment threads, API keys, login sessions and an append-only event log (the big table).
-- Written for this benchmark; it is not taken from any project.
--
-- Deliberately UNDER-INDEXED: the only indexes are the ones PRIMARY KEY and UNIQUE constraints
-- create. No secondary index, not even on foreign keys: finding them from the workload
-- (queries.sql) is the advisor's job. Two deliberately BAD indexes are added at the end, for
-- the advisor to recommend dropping.
--
-- Kept within what `schemawise seed` fills: single-column foreign keys (no composite
-- tenant-scoped keys), CHECKs it understands (bounds, IN lists, lengths, column order).

-- ---------------------------------------------------------------- types

CREATE TYPE tenant_plan     AS ENUM ('free', 'starter', 'pro', 'enterprise');
CREATE TYPE user_role       AS ENUM ('owner', 'admin', 'agent', 'customer');
CREATE TYPE user_status     AS ENUM ('invited', 'active', 'suspended');
CREATE TYPE product_status  AS ENUM ('draft', 'active', 'archived');
-- Enum order follows an order's life: new rows are early values, old ones late values.
CREATE TYPE order_status    AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled');
CREATE TYPE payment_status  AS ENUM ('pending', 'authorized', 'captured', 'failed', 'refunded');
CREATE TYPE ticket_status   AS ENUM ('new', 'open', 'pending', 'on_hold', 'solved', 'closed');
CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high', 'urgent');

-- ---------------------------------------------------------------- tenancy and identity

CREATE TABLE tenants (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug       text NOT NULL UNIQUE CHECK (char_length(slug) <= 63),
  name       text NOT NULL CHECK (char_length(name) <= 200),
  plan       tenant_plan NOT NULL DEFAULT 'free',
  settings   jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Staff (owner, admin, agent) and shop customers alike; an e-mail is unique within a tenant.
-- Logins look people up by lower(email) across tenants: the unique key does not serve that.
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email         text NOT NULL CHECK (char_length(email) <= 320),
  display_name  text NOT NULL CHECK (char_length(display_name) <= 120),
  role          user_role NOT NULL DEFAULT 'customer',
  status        user_status NOT NULL DEFAULT 'invited',
  password_hash text,
  last_login_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz,                       -- soft delete: live rows have NULL
  UNIQUE (tenant_id, email)
);

CREATE TABLE sessions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   text NOT NULL UNIQUE,
  ip           inet,
  user_agent   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  CHECK (last_seen_at >= created_at),
  CHECK (expires_at > created_at)
);

CREATE TABLE api_keys (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  name         text NOT NULL CHECK (char_length(name) <= 100),
  key_hash     text NOT NULL UNIQUE,
  scopes       text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- ---------------------------------------------------------------- catalogue

CREATE TABLE products (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  sku         text NOT NULL CHECK (char_length(sku) <= 64),
  name        text NOT NULL CHECK (char_length(name) <= 200),
  description text,
  status      product_status NOT NULL DEFAULT 'draft',
  price       numeric(12,2) NOT NULL CHECK (price >= 0),
  stock       integer NOT NULL DEFAULT 0 CHECK (stock >= 0 AND stock <= 100000),
  attributes  jsonb NOT NULL DEFAULT '{}',       -- {"color": "red", "size": "M", ...}
  tags        text[] NOT NULL DEFAULT '{}',
  search      tsvector GENERATED ALWAYS AS (
                to_tsvector('english', name || ' ' || coalesce(description, ''))
              ) STORED,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  UNIQUE (tenant_id, sku),
  CHECK (updated_at >= created_at)
);

-- ---------------------------------------------------------------- commerce

CREATE TABLE orders (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id        bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  customer_id      bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  order_number     text NOT NULL CHECK (char_length(order_number) <= 32),
  status           order_status NOT NULL DEFAULT 'pending',
  currency         text NOT NULL DEFAULT 'USD' CHECK (currency IN ('USD', 'EUR', 'GBP', 'CAD')),
  subtotal         numeric(12,2) NOT NULL CHECK (subtotal >= 0),
  tax              numeric(12,2) NOT NULL DEFAULT 0 CHECK (tax >= 0),
  total            numeric(12,2) NOT NULL CHECK (total >= 0),
  shipping_address jsonb,
  note             text,
  placed_at        timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  cancelled_at     timestamptz,
  UNIQUE (tenant_id, order_number),
  CHECK (updated_at >= placed_at)
);

-- Lines die with their order; a product that was sold cannot be deleted (archive it instead).
CREATE TABLE order_items (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  quantity   integer NOT NULL CHECK (quantity > 0 AND quantity <= 1000),
  unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
  discount   numeric(12,2) NOT NULL DEFAULT 0 CHECK (discount >= 0)
);

-- Money trail: an order with payments cannot be deleted.
CREATE TABLE payments (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
  provider     text NOT NULL CHECK (provider IN ('stripe', 'adyen', 'paypal')),
  provider_ref text NOT NULL CHECK (char_length(provider_ref) <= 64),
  status       payment_status NOT NULL DEFAULT 'pending',
  amount       numeric(12,2) NOT NULL CHECK (amount > 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  captured_at  timestamptz,
  failure_code text,
  -- provider_ref first: the reference is the selective column (and seed makes the first
  -- non-key column of a unique key the distinct one; provider has 3 values).
  UNIQUE (provider_ref, provider),
  CHECK (captured_at >= created_at)
);

-- ---------------------------------------------------------------- support

CREATE TABLE tickets (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id         bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  requester_id      bigint REFERENCES users (id) ON DELETE SET NULL,
  assignee_id       bigint REFERENCES users (id) ON DELETE SET NULL,
  order_id          bigint REFERENCES orders (id) ON DELETE SET NULL,
  subject           text NOT NULL CHECK (char_length(subject) <= 200),
  body              text NOT NULL,
  status            ticket_status NOT NULL DEFAULT 'new',
  priority          ticket_priority NOT NULL DEFAULT 'normal',
  channel           text NOT NULL DEFAULT 'web' CHECK (channel IN ('email', 'chat', 'web', 'phone')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  first_response_at timestamptz,
  solved_at         timestamptz,
  CHECK (updated_at >= created_at),
  CHECK (solved_at >= created_at)
);

CREATE TABLE ticket_comments (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
  is_internal boolean NOT NULL DEFAULT false,      -- agent-only note
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- audit / event log

-- Append-only, the biggest table by far; rows arrive in created_at order.
CREATE TABLE events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  actor_id     bigint REFERENCES users (id) ON DELETE SET NULL,
  event_type   text NOT NULL CHECK (char_length(event_type) <= 64),   -- 'order.paid', 'ticket.assigned', ...
  subject_type text NOT NULL CHECK (subject_type IN ('order', 'payment', 'product', 'ticket', 'user', 'api_key')),
  subject_id   bigint NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- deliberately bad indexes
-- DELIBERATE, for the advisor to flag as droppable (they only cost writes):

-- 1. An exact duplicate of the index behind sessions' UNIQUE (token_hash).
CREATE INDEX sessions_token_hash_idx ON sessions (token_hash);

-- 2. A redundant prefix of the UNIQUE (tenant_id, sku) index of products: every query it can
--    serve, products_tenant_id_sku_key serves as well.
CREATE INDEX products_tenant_id_idx ON products (tenant_id);
