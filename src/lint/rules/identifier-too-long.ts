import type { Span } from '../../model/types.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { byteLength, MAX_IDENTIFIER_BYTES } from '../naming.js';
import { defineRule } from '../types.js';

/**
 * Whether `name` was probably cut by PostgreSQL. The model holds names as PostgreSQL stores
 * them (the parser truncates too), so a longer source name shows as one at the limit: exactly
 * 63 bytes, or up to 3 bytes short when the character that did not fit was multi-byte.
 */
function atLimit(name: string): boolean {
  const bytes = byteLength(name);
  return bytes === MAX_IDENTIFIER_BYTES || (bytes >= MAX_IDENTIFIER_BYTES - 3 && /[^\x00-\x7f]/.test(name));
}

/**
 * A name PostgreSQL chose itself (ChooseRelationName: `{table}_{columns}_{label}`), which it
 * shortens to fit on purpose: `{table}_pkey`, `_key`, `_fkey`, `_check`, `_excl`, `_idx`, `_seq`.
 */
function invented(name: string, table: string): boolean {
  const head = table.slice(0, Math.min(table.length, 16));
  return name.startsWith(head) && /_(pkey|key|fkey|check|excl|idx|seq|not_null)\d*$/.test(name);
}

export default defineRule({
  id: 'identifier-too-long',
  meta: {
    category: 'naming',
    severity: 'error',
    description: 'Names fit in 63 bytes, the length PostgreSQL silently truncates identifiers to.',
    rationale: `PostgreSQL keeps identifiers in \`NAMEDATALEN - 1\` = 63 bytes (not characters: \`é\` takes two) and
truncates a longer name with only a NOTICE. The object then has a different name in the catalog than in
the code that created it: tools that compare names (migration diffing, ORMs, \`pg_dump\` round trips) see a
mismatch, and two long names that share their first 63 bytes collide ("relation already exists", or an
\`IF NOT EXISTS\` that silently skips the second object). The schema model holds names as PostgreSQL
stores them, already truncated, so the rule reports names at the limit: 63 bytes, or up to 3 bytes short
when they end in the middle of multi-byte text. A name of exactly 63 bytes written that way on purpose is
reported too; shorten it anyway, since any name derived from it will be cut. Names PostgreSQL invents and
shortens itself (\`{table}_{column}_fkey\`, \`_pkey\`, \`_key\`, \`_idx\`, \`_seq\`) are not reported. There is no
fix: choose a shorter name.`,
    invalid: [
      `CREATE TABLE customer_notification_preferences_by_channel_and_subscription_tier ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email_notification_opt_in_confirmed_at_timestamp_with_time_zone_value timestamptz -- flagged
);`,
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  placed_at timestamptz NOT NULL
);
CREATE INDEX idx_orders_customer_id_placed_at_for_the_monthly_statement_report ON orders (customer_id, placed_at); -- flagged`,
      `CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  price numeric NOT NULL,
  CONSTRAINT products_price_must_be_positive_and_below_the_configured_maximum CHECK (price > 0 AND price < 1000000) -- flagged
);`,
      `CREATE TABLE préférences_de_notification_par_canal_et_de_catégorie_abonnés ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);`,
    ],
    valid: [
      `CREATE TABLE customer_notification_preferences_by_channel_and_tier (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
CREATE TABLE order_line_item_adjustments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  applied_promotion_campaign_reference_id bigint
    REFERENCES order_line_item_adjustments (id)
);`,
      `CREATE TABLE notification_preferences_by_channel_and_subscription_tier_2026 (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
CREATE TABLE préférences_de_notification (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);`,
    ],
  },
  check({ database, report }) {
    const flag = (kind: string, object: string, name: string, span: Span | undefined, table?: string) => {
      if (!atLimit(name)) return;
      report({
        message: `${kind} ${object} is ${byteLength(name)} bytes long, PostgreSQL's limit: a longer name in the source was probably truncated to this`,
        object,
        ...(table && { table }),
        span,
        help: 'PostgreSQL cuts identifiers to 63 bytes with only a NOTICE, so the catalog and the code disagree on the name, and long names that share their first 63 bytes collide. Choose a shorter name.',
      });
    };
    for (const s of database.schemas) {
      flag('Schema', s.name, s.name, undefined);
      // Partitions are named by hand (often long: parent, range, suffix), unlike their inherited parts.
      for (const t of s.tables) if (t.partitionOf) flag('Table', `${s.name}.${t.name}`, t.name, t.span, `${s.name}.${t.name}`);
      for (const v of s.views) flag(v.materialized ? 'Materialized view' : 'View', `${s.name}.${v.name}`, v.name, v.span);
      for (const ty of [...s.enums, ...s.domains, ...s.compositeTypes]) flag('Type', `${s.name}.${ty.name}`, ty.name, ty.span);
      for (const f of s.functions) flag(f.kind === 'procedure' ? 'Procedure' : 'Function', `${s.name}.${f.name}`, f.name, f.span);
      for (const sq of s.sequences) if (!(sq.ownedBy && invented(sq.name, sq.ownedBy.table.name))) flag('Sequence', `${s.name}.${sq.name}`, sq.name, sq.span);
      for (const tr of s.triggers) flag('Trigger', `${tr.table.schema}.${tr.table.name}.${tr.name}`, tr.name, tr.span, `${tr.table.schema}.${tr.table.name}`);
    }
    for (const t of tablesOf(database)) {
      const { table } = t;
      flag('Table', t.name, table.name, table.span, t.name);
      for (const c of table.columns) flag('Column', columnObject(t, c.name), c.name, c.span, t.name);
      const constraints = [table.primaryKey, ...table.uniques, ...table.checks, ...table.foreignKeys, ...table.exclusions];
      for (const k of constraints) if (k && !invented(k.name, table.name)) flag('Constraint', `${t.name}.${k.name}`, k.name, k.span, t.name);
      for (const ix of table.indexes) if (!invented(ix.name, table.name)) flag('Index', `${t.schema.name}.${ix.name}`, ix.name, ix.span, t.name);
    }
  },
});
