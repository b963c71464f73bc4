/** A shop schema for seed and explain tests: identity and serial keys, an enum, CHECKs, jsonb, an array, a self-reference, a join table. */
export const SHOP = `
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL, birth_date date, prefs jsonb, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE products (id serial PRIMARY KEY, sku varchar(12) NOT NULL UNIQUE, name text NOT NULL, price numeric(10,2) NOT NULL CHECK (price > 0), tags text[]);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL UNIQUE, parent_id int REFERENCES categories (id));
CREATE TABLE product_categories (product_id int NOT NULL REFERENCES products (id), category_id int NOT NULL REFERENCES categories (id), PRIMARY KEY (product_id, category_id));
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), status order_status NOT NULL DEFAULT 'pending', total numeric(12,2) NOT NULL CHECK (total >= 0), placed_at timestamptz NOT NULL, shipped_at timestamptz, CHECK (shipped_at > placed_at));
CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE, product_id int NOT NULL REFERENCES products (id), quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 50), PRIMARY KEY (order_id, product_id));
`;
