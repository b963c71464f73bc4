// A synthetic DDL-only schema of about `bytes` bytes: tables with keys, foreign keys,
// checks, defaults, indexes and comments, in several schemas. Used to measure the static
// load budget (2 MB under 0.5 s warm) without depending on the corpus.
// `extraColumns` widens every table (typed columns, a CHECK and an index over them) so the same
// size holds fewer, wider tables (with a comment on each column): 32 gives ~500 tables in 2 MB,
// the review budget's shape (32: 495 tables, 41 columns each).
export function syntheticSchema(bytes = 2 * 1024 * 1024, { extraColumns = 0 } = {}) {
  const TYPES = ['text', 'integer', 'bigint', 'boolean NOT NULL DEFAULT false', 'numeric(10,2)', 'timestamptz', 'date', 'varchar(200)', 'jsonb', 'uuid'];
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const schema = `app${i % 8}`;
    if (i < 8) parts.push(`CREATE SCHEMA ${schema};`);
    const t = `${schema}.entity_${i}`;
    const ref = i >= 8 ? `${`app${(i - 8) % 8}`}.entity_${i - 8}` : null;
    const ddl = `CREATE TABLE ${t} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code varchar(32) NOT NULL UNIQUE,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
  attributes jsonb NOT NULL DEFAULT '{}',
  ${ref ? `parent_id bigint REFERENCES ${ref} (id) ON DELETE CASCADE,` : 'parent_id bigint,'}
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);
CREATE INDEX idx_entity_${i}_parent_id ON ${t} (parent_id);
CREATE INDEX idx_entity_${i}_status_created ON ${t} (status, created_at DESC) WHERE status = 'active';
${extraColumns > 2 ? `CREATE INDEX idx_entity_${i}_attr_1_attr_2 ON ${t} (attr_1, attr_2);\nALTER TABLE ${t} ADD CONSTRAINT entity_${i}_attr_1_check CHECK (attr_1 > 0);\n` : ''}COMMENT ON TABLE ${t} IS 'Entity number ${i}';
${Array.from({ length: extraColumns }, (_, k) => `COMMENT ON COLUMN ${t}.attr_${k} IS 'Attribute ${k} of entity ${i}, as the source system names it';\n`).join('')}
`;
    parts.push(ddl);
    size += ddl.length;
  }
  return parts.join('\n');
}
