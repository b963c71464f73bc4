-- rows: tenants=50,users=50k,sessions=40k,api_keys=500,products=100k,orders=200k,order_items=500k,payments=190k,tickets=40k,ticket_comments=120k,events=750k
--
-- schemawise advise benchmark: the workload against bench/advisor/schema.sql.
--
-- One day of a multi-tenant shop-plus-helpdesk SaaS, as its application issues it:
--   * hot OLTP paths (auth, sessions, order pages, agent queues, event appends) weigh
--     500..5000: an index that serves them is worth a lot, and writes on their tables count;
--   * background jobs weigh ~10..100; reports and exports weigh 1..10.
-- Values are $n parameters (planned as generic plans, as a prepared statement would be),
-- except a few constants that a partial index should be built around (status = 'pending',
-- deleted_at IS NULL, assignee_id IS NULL, status = 'failed').
--
-- Seeded data caveat: `seed` makes 10% of a nullable column NULL, so only ~10% of users and
-- products have deleted_at IS NULL ("live") — partial indexes on it look smaller than in
-- production; their shape is still the right one.
--
-- Some queries are deliberately already served by a PRIMARY KEY / UNIQUE index (controls:
-- the advisor should add nothing for them), and the INSERTs/UPDATEs are here so index
-- maintenance has a price. Each query: `-- name:` and `-- weight:` (relative frequency).
-- The index a good advisor should find is noted above each query ("expect:").
--
-- Run: node dist/cli/main.js explain bench/advisor/schema.sql --queries bench/advisor/queries.sql \
--        --rows <the rows line above> --quiet

-- ================================================================ identity and auth

-- Login form: the e-mail as typed, any tenant (the tenant is chosen after), live accounts.
-- expect: users (lower(email))  (expression index; UNIQUE (tenant_id, email) does not help).
--         WHERE deleted_at IS NULL is an acceptable partial variant; the plain one plans cheaper
--         here (its own statistics on lower(email) say "unique")
-- name: login-by-email
-- weight: 2000
SELECT id, tenant_id, password_hash, status
FROM users
WHERE lower(email) = lower($1)
  AND deleted_at IS NULL;

-- Every authenticated request.
-- expect: nothing new (UNIQUE (token_hash)); drop the duplicate sessions_token_hash_idx
-- name: session-by-token
-- weight: 5000
SELECT s.id, s.user_id, u.tenant_id, u.role
FROM sessions s
JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1
  AND s.expires_at > now();

-- expect: nothing (primary key); a HOT-friendly update (no index on last_seen_at!)
-- name: session-touch
-- weight: 3000
UPDATE sessions SET last_seen_at = now() WHERE id = $1;

-- "Where you're logged in" page.
-- expect: sessions (user_id, last_seen_at DESC)  (also serves the ON DELETE CASCADE from users)
-- name: user-sessions
-- weight: 30
SELECT id, ip, user_agent, created_at, last_seen_at
FROM sessions
WHERE user_id = $1
ORDER BY last_seen_at DESC
LIMIT 20;

-- Nightly job.
-- expect: nothing — as seeded (sessions spread over a year, a few hours' lifetime) it deletes
--         nearly every row, so a sequential scan is right and sessions (expires_at) would not
--         be used; a control against indexing every WHERE column
-- name: purge-expired-sessions
-- weight: 1
DELETE FROM sessions WHERE expires_at < now() - interval '7 days';

-- API requests with a key.
-- expect: nothing (UNIQUE (key_hash))
-- name: api-key-auth
-- weight: 1500
SELECT id, tenant_id, scopes
FROM api_keys
WHERE key_hash = $1
  AND revoked_at IS NULL;

-- Subdomain → tenant on every request.
-- expect: nothing (UNIQUE (slug))
-- name: tenant-by-slug
-- weight: 3000
SELECT id, name, plan, settings FROM tenants WHERE slug = $1;

-- Admin console: people of a tenant, newest first.
-- expect: users (tenant_id, created_at DESC) WHERE deleted_at IS NULL
-- name: tenant-users-page
-- weight: 150
SELECT id, email, display_name, role, status, last_login_at
FROM users
WHERE tenant_id = $1
  AND deleted_at IS NULL
ORDER BY created_at DESC
LIMIT 50;

-- Assignee picker in the helpdesk.
-- expect: nothing of its own: the tenant-users-page index (tenant_id, created_at DESC) WHERE
--         deleted_at IS NULL serves it (~916 → ~290 by planner cost); a dedicated
--         (tenant_id) WHERE status = 'active' AND deleted_at IS NULL would be over-indexing
-- name: tenant-active-agents
-- weight: 400
SELECT id, display_name
FROM users
WHERE tenant_id = $1
  AND role IN ('owner', 'admin', 'agent')
  AND status = 'active'
  AND deleted_at IS NULL;

-- GDPR erasure (rare): exercises the foreign keys pointing at users (sessions CASCADE,
-- api_keys/tickets/comments/events SET NULL, orders RESTRICT).
-- expect: nothing for the statement itself (PK); the FK checks want indexes on
--         sessions(user_id), orders(customer_id), tickets(requester_id), tickets(assignee_id),
--         ticket_comments(author_id), events(actor_id), api_keys(created_by) — at weight 1
--         only the ones other queries already justify are worth it (events(actor_id) is not)
-- name: erase-user
-- weight: 1
DELETE FROM users WHERE id = $1 AND tenant_id = $2;

-- ================================================================ catalogue

-- expect: nothing (UNIQUE (tenant_id, sku)); drop the redundant products_tenant_id_idx
-- name: product-by-sku
-- weight: 1500
SELECT id, name, price, stock, status FROM products WHERE tenant_id = $1 AND sku = $2;

-- Storefront listing.
-- expect: products (tenant_id, created_at DESC) WHERE status = 'active' AND deleted_at IS NULL
-- name: storefront-products
-- weight: 1200
SELECT id, sku, name, price, tags
FROM products
WHERE tenant_id = $1
  AND status = 'active'
  AND deleted_at IS NULL
ORDER BY created_at DESC
LIMIT 24;

-- Storefront search box.
-- expect: products USING gin (search)  (the generated tsvector column)
-- name: storefront-search
-- weight: 600
SELECT id, name, price, ts_rank(search, websearch_to_tsquery('english', $2)) AS rank
FROM products
WHERE tenant_id = $1
  AND status = 'active'
  AND search @@ websearch_to_tsquery('english', $2)
ORDER BY rank DESC
LIMIT 20;

-- Faceted filter (a constant facet from a landing page).
-- expect: products USING gin (attributes jsonb_path_ops)  (or plain jsonb_ops)
-- name: products-by-attribute
-- weight: 150
SELECT id, name, price
FROM products
WHERE tenant_id = $1
  AND attributes @> '{"color": "red"}'
  AND status = 'active';

-- Tag filter chips.
-- expect: products USING gin (tags)
-- name: products-by-tags
-- weight: 200
SELECT id, name, price, tags
FROM products
WHERE tenant_id = $1
  AND tags && $2::text[]
  AND deleted_at IS NULL
LIMIT 48;

-- Back office: restock list.
-- expect: products (tenant_id, stock) WHERE status = 'active' — weight 20: maybe served by
--         the storefront index + filter; a small win at most
-- name: low-stock-products
-- weight: 20
SELECT id, sku, name, stock
FROM products
WHERE tenant_id = $1
  AND status = 'active'
  AND stock < 10
ORDER BY stock, id;

-- "Can this product be deleted?" check before offering the button.
-- expect: order_items (product_id)
-- name: product-was-ordered
-- weight: 40
SELECT EXISTS (SELECT 1 FROM order_items WHERE product_id = $1) AS was_ordered;

-- expect: order_items (product_id) for the ON DELETE RESTRICT check (same index as above)
-- name: delete-draft-product
-- weight: 5
DELETE FROM products WHERE id = $1 AND tenant_id = $2 AND status = 'draft';

-- expect: nothing (PK); a write on products, which the GIN indexes make dearer
-- name: update-stock
-- weight: 500
UPDATE products SET stock = stock - $2, updated_at = now() WHERE id = $1 AND stock >= $2;

-- ================================================================ orders and payments

-- Order page by the number the customer sees.
-- expect: nothing (UNIQUE (tenant_id, order_number))
-- name: order-by-number
-- weight: 800
SELECT id, status, total, currency, placed_at, customer_id
FROM orders
WHERE tenant_id = $1 AND order_number = $2;

-- Lines of an order (order page, invoice, fulfilment).
-- expect: order_items (order_id)  — (order_id) INCLUDE (product_id, quantity, unit_price) at most
-- name: order-lines
-- weight: 2000
SELECT oi.id, oi.quantity, oi.unit_price, oi.discount, p.id AS product_id, p.name, p.sku
FROM order_items oi
JOIN products p ON p.id = oi.product_id
WHERE oi.order_id = $1;

-- "My orders" in the storefront.
-- expect: orders (customer_id, placed_at DESC)  (also the RESTRICT check from users)
-- name: customer-order-history
-- weight: 700
SELECT id, order_number, status, total, placed_at
FROM orders
WHERE customer_id = $1
ORDER BY placed_at DESC
LIMIT 20;

-- Back-office order list, keyset pagination.
-- expect: orders (tenant_id, placed_at DESC)
-- name: tenant-orders-keyset
-- weight: 400
SELECT id, order_number, status, total, placed_at
FROM orders
WHERE tenant_id = $1
  AND placed_at < $2
ORDER BY placed_at DESC
LIMIT 50;

-- Dashboard tiles.
-- expect: little to gain: a bitmap scan on any (tenant_id, ...) index (e.g. the keyset one
--         below) reads the tenant's ~4k orders; orders (tenant_id, status) saves only ~3% by
--         planner cost (no index-only scan without a VACUUM) — should not be proposed for this alone
-- name: tenant-order-status-counts
-- weight: 100
SELECT status, count(*)
FROM orders
WHERE tenant_id = $1
GROUP BY status;

-- Job: payment reminders for pending orders older than 15 minutes.
-- expect: orders (placed_at) WHERE status = 'pending'  (partial; tiny)
-- name: pending-orders-queue
-- weight: 60
SELECT id, tenant_id, customer_id, total
FROM orders
WHERE status = 'pending'
  AND placed_at < now() - interval '15 minutes'
ORDER BY placed_at
LIMIT 100;

-- Job: cancel orders left unpaid for two days.
-- expect: the same partial orders (placed_at) WHERE status = 'pending'
-- name: cancel-stale-pending-orders
-- weight: 2
UPDATE orders
SET status = 'cancelled', cancelled_at = now(), updated_at = now()
WHERE status = 'pending'
  AND placed_at < now() - interval '2 days';

-- Revenue report by day.
-- expect: orders (tenant_id, placed_at) — INCLUDE (status, total) for an index-only scan
-- name: daily-revenue
-- weight: 8
SELECT date_trunc('day', placed_at) AS day, count(*) AS orders, sum(total) AS revenue
FROM orders
WHERE tenant_id = $1
  AND placed_at >= $2
  AND placed_at < $3
  AND status IN ('paid', 'shipped', 'delivered')
GROUP BY 1
ORDER BY 1;

-- Best sellers of a period.
-- expect: orders (tenant_id, placed_at) for the outer side; the order_items side stays a hash
--         join over a sequential scan at this volume (order_items (order_id) is not used here)
-- name: top-products
-- weight: 4
SELECT p.id, p.name, sum(oi.quantity) AS units, sum(oi.quantity * oi.unit_price - oi.discount) AS revenue
FROM orders o
JOIN order_items oi ON oi.order_id = o.id
JOIN products p ON p.id = oi.product_id
WHERE o.tenant_id = $1
  AND o.placed_at >= $2
  AND o.status <> 'cancelled'
GROUP BY p.id, p.name
ORDER BY revenue DESC
LIMIT 10;

-- Marketing: customers who signed up a month ago and never ordered.
-- expect: orders (customer_id) (anti-join; the customer-order-history index serves it)
--         + users (tenant_id, created_at) from tenant-users-page helps the outer side
-- name: customers-without-orders
-- weight: 2
SELECT u.id, u.email
FROM users u
WHERE u.tenant_id = $1
  AND u.role = 'customer'
  AND u.created_at < now() - interval '30 days'
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = u.id)
LIMIT 500;

-- expect: nothing to read; pays for every index on orders
-- name: insert-order
-- weight: 300
INSERT INTO orders (tenant_id, customer_id, order_number, currency, subtotal, tax, total, shipping_address)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, placed_at;

-- expect: nothing to read; pays for every index on order_items
-- name: insert-order-item
-- weight: 900
INSERT INTO order_items (order_id, product_id, quantity, unit_price)
VALUES ($1, $2, $3, $4);

-- Payment provider webhook.
-- expect: nothing (UNIQUE (provider_ref, provider))
-- name: payment-by-provider-ref
-- weight: 400
SELECT id, order_id, status, amount FROM payments WHERE provider = $1 AND provider_ref = $2;

-- Payments of an order (order page).
-- expect: payments (order_id)  (also the RESTRICT check when an order is deleted)
-- name: order-payments
-- weight: 800
SELECT id, provider, status, amount, created_at, captured_at
FROM payments
WHERE order_id = $1
ORDER BY created_at;

-- expect: nothing (PK)
-- name: capture-payment
-- weight: 300
UPDATE payments
SET status = 'captured', captured_at = now()
WHERE id = $1 AND status = 'authorized';

-- Ops report: failed payments of the last day, with their tenant.
-- expect: payments (created_at) WHERE status = 'failed'  (partial)
-- name: recent-failed-payments
-- weight: 6
SELECT p.id, p.provider, p.failure_code, p.amount, o.tenant_id, o.order_number
FROM payments p
JOIN orders o ON o.id = p.order_id
WHERE p.status = 'failed'
  AND p.created_at >= now() - interval '1 day'
ORDER BY p.created_at DESC;

-- ================================================================ support

-- The agent's own queue, most urgent first.
-- expect: tickets (assignee_id, priority DESC, created_at) WHERE status IN ('new', 'open', 'pending')
--         (tenant_id adds nothing once assignee_id is fixed)
-- name: agent-queue
-- weight: 900
SELECT id, subject, status, priority, created_at
FROM tickets
WHERE tenant_id = $1
  AND assignee_id = $2
  AND status IN ('new', 'open', 'pending')
ORDER BY priority DESC, created_at
LIMIT 50;

-- Triage view: new tickets nobody picked up.
-- expect: tickets (tenant_id, created_at) WHERE assignee_id IS NULL AND status = 'new'
-- name: unassigned-tickets
-- weight: 300
SELECT id, subject, priority, channel, created_at
FROM tickets
WHERE tenant_id = $1
  AND assignee_id IS NULL
  AND status = 'new'
ORDER BY created_at
LIMIT 50;

-- Badge in the helpdesk header.
-- expect: tickets (tenant_id, status) — index-only count
-- name: open-ticket-count
-- weight: 600
SELECT count(*) FROM tickets WHERE tenant_id = $1 AND status = 'open';

-- The conversation of a ticket.
-- expect: ticket_comments (ticket_id, created_at)
-- name: ticket-thread
-- weight: 1200
SELECT c.id, c.body, c.is_internal, c.created_at, u.display_name
FROM ticket_comments c
LEFT JOIN users u ON u.id = c.author_id
WHERE c.ticket_id = $1
ORDER BY c.created_at;

-- Customer portal: my tickets.
-- expect: tickets (requester_id, created_at DESC)
-- name: requester-tickets
-- weight: 200
SELECT id, subject, status, created_at
FROM tickets
WHERE requester_id = $1
ORDER BY created_at DESC
LIMIT 20;

-- Order page sidebar: tickets about this order.
-- expect: tickets (order_id)  (also the ON DELETE SET NULL from orders)
-- name: tickets-for-order
-- weight: 150
SELECT id, subject, status FROM tickets WHERE order_id = $1;

-- Helpdesk search over subject and body.
-- expect: per tenant (~800 tickets) a btree on (tenant_id, ...) — e.g. the (tenant_id, status)
--         one of open-ticket-count — plans cheaper than the expression GIN; the GIN of
--         platform-escalation-search below also serves it, but is not needed for it
-- name: ticket-search
-- weight: 120
SELECT id, subject, status, created_at
FROM tickets
WHERE tenant_id = $1
  AND to_tsvector('english', subject || ' ' || body) @@ websearch_to_tsquery('english', $2)
ORDER BY created_at DESC
LIMIT 25;

-- Tickets an agent commented on recently (IN subquery).
-- expect: ticket_comments (author_id, created_at)
-- name: tickets-agent-touched
-- weight: 30
SELECT t.id, t.subject, t.status
FROM tickets t
WHERE t.tenant_id = $1
  AND t.id IN (
    SELECT c.ticket_id FROM ticket_comments c
    WHERE c.author_id = $2 AND c.created_at >= $3
  );

-- SLA job: tickets still unanswered after 4 hours, across tenants.
-- expect: tickets (created_at) WHERE first_response_at IS NULL AND status IN ('new', 'open')
--         — weight 10; the partial index is tiny
-- name: sla-breaches
-- weight: 10
SELECT tenant_id, priority, count(*) AS breached
FROM tickets
WHERE status IN ('new', 'open')
  AND first_response_at IS NULL
  AND created_at < now() - interval '4 hours'
GROUP BY tenant_id, priority;

-- Weekly ticket volume and resolution time.
-- expect: tickets (tenant_id, created_at)  (shared with unassigned-tickets if not partial)
-- name: weekly-ticket-volume
-- weight: 3
SELECT date_trunc('week', created_at) AS week,
       count(*) AS opened,
       avg(solved_at - created_at) FILTER (WHERE solved_at IS NOT NULL) AS avg_resolution
FROM tickets
WHERE tenant_id = $1
  AND created_at >= $2
GROUP BY 1
ORDER BY 1;

-- Vendor's own support console: escalation search across all tenants.
-- expect: tickets USING gin (to_tsvector('english', subject || ' ' || body))  (expression GIN,
--         written exactly as in the query; ~21k → ~2k by planner cost)
-- name: platform-escalation-search
-- weight: 20
SELECT id, tenant_id, subject, status, priority, created_at
FROM tickets
WHERE to_tsvector('english', subject || ' ' || body) @@ websearch_to_tsquery('english', $1)
  AND status <> 'closed'
ORDER BY created_at DESC
LIMIT 50;

-- expect: nothing (PK)
-- name: solve-ticket
-- weight: 200
UPDATE tickets
SET status = 'solved', solved_at = now(), updated_at = now()
WHERE id = $1 AND tenant_id = $2;

-- expect: nothing to read; pays for every index on ticket_comments
-- name: insert-ticket-comment
-- weight: 600
INSERT INTO ticket_comments (ticket_id, author_id, is_internal, body)
VALUES ($1, $2, $3, $4)
RETURNING id, created_at;

-- ================================================================ event log (the big table)

-- Every state change writes one event: the heaviest write of the workload.
-- expect: nothing to read; every index on events is paid 4000 times — keep them few
-- name: insert-event
-- weight: 4000
INSERT INTO events (tenant_id, actor_id, event_type, subject_type, subject_id, payload)
VALUES ($1, $2, $3, $4, $5, $6);

-- Tenant activity feed, keyset pagination.
-- expect: events (tenant_id, created_at DESC)  (a lone events (created_at) also plans cheap — heap
--         order = time order — but degrades for small tenants: the composite is the robust answer)
-- name: tenant-activity-feed
-- weight: 300
SELECT id, actor_id, event_type, subject_type, subject_id, created_at
FROM events
WHERE tenant_id = $1
  AND created_at < $2
ORDER BY created_at DESC
LIMIT 50;

-- History panel of one order / ticket / product.
-- expect: events (subject_type, subject_id, created_at)  (subject_id first is fine too)
-- name: subject-history
-- weight: 250
SELECT id, actor_id, event_type, payload, created_at
FROM events
WHERE subject_type = $1
  AND subject_id = $2
ORDER BY created_at DESC
LIMIT 100;

-- Hourly export to the warehouse: one time window, all tenants.
-- expect: events (created_at): by planner cost a btree wins (cost ~200 against ~11.7k for a
--         BRIN, and ~25k for the scan); a BRIN (created_at) is the write-cheap alternative
--         (append-only, insertion order = time order) — either is a defensible answer at weight 2
-- name: events-export-window
-- weight: 2
SELECT id, tenant_id, event_type, subject_type, subject_id, payload, created_at
FROM events
WHERE created_at >= $1
  AND created_at < $2;

-- Weekly digest: event types of a tenant over 7 days.
-- expect: events (tenant_id, created_at) — the activity-feed index; INCLUDE (event_type)
--         only if the advisor weighs index-only scans against the 4000 inserts
-- name: tenant-event-type-counts
-- weight: 5
SELECT event_type, count(*)
FROM events
WHERE tenant_id = $1
  AND created_at >= now() - interval '7 days'
GROUP BY event_type
ORDER BY count(*) DESC;

-- Audit search by payload (support investigating a customer's complaint).
-- expect: debatable — a GIN on events(payload) costs all 4000 inserts for a weight-3 query;
--         a good advisor should decline it, or propose it only with (tenant_id, created_at)
--         narrowing first
-- name: events-by-payload
-- weight: 3
SELECT id, event_type, subject_type, subject_id, created_at
FROM events
WHERE tenant_id = $1
  AND payload @> $2::jsonb
ORDER BY created_at DESC
LIMIT 100;
