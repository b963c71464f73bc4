import { tablesOf, type TableRef } from '../model-walk.js';
import { defineRule } from '../types.js';

// Longest-path search over a cascade graph is exponential on pathological cycles; real
// schemas are far below this many steps.
const STEP_BUDGET = 100_000;

export default defineRule({
  id: 'cascade-delete-chain',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: '`ON DELETE CASCADE` does not chain more than `maxDepth` levels deep.',
    rationale: `Each ON DELETE CASCADE runs, per deleted parent row, a DELETE on the child table (through its
foreign-key trigger), which cascades in turn. With A ← B ← C ← D all cascading, one \`DELETE FROM a\` row-locks
and deletes rows in four tables inside one statement: it can take far longer than expected, hold locks on
thousands of rows, generate a burst of WAL, and deadlock with concurrent writers working bottom-up. Worse, the
reach of a delete is invisible at the call site, so deleting a tenant or a customer can silently wipe
history. Break deep chains: RESTRICT at the levels that are references rather than ownership, or soft-delete
and purge in batches. The finding is reported once per chain root (a table no other table cascades into,
or the first table of a cascade cycle), with the longest chain; self-referencing keys (trees) are not counted
as a level, since their depth depends on the data.`,
    invalid: [
      `CREATE TABLE accounts (id bigint PRIMARY KEY); -- flagged
CREATE TABLE projects (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE);
CREATE TABLE tasks (id bigint PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks ON DELETE CASCADE);`,
      `CREATE TABLE a (id bigint PRIMARY KEY, d_id bigint); -- flagged
CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint NOT NULL REFERENCES a ON DELETE CASCADE);
CREATE TABLE c (id bigint PRIMARY KEY, b_id bigint NOT NULL REFERENCES b ON DELETE CASCADE);
CREATE TABLE d (id bigint PRIMARY KEY, c_id bigint NOT NULL REFERENCES c ON DELETE CASCADE);
ALTER TABLE a ADD FOREIGN KEY (d_id) REFERENCES d ON DELETE CASCADE;`,
    ],
    valid: [
      `CREATE TABLE accounts (id bigint PRIMARY KEY);
CREATE TABLE projects (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE);
CREATE TABLE tasks (id bigint PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks ON DELETE RESTRICT);`,
      `CREATE TABLE projects (id bigint PRIMARY KEY);
CREATE TABLE tasks (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
  parent_id bigint REFERENCES tasks ON DELETE CASCADE
);
CREATE TABLE task_notes (id bigint PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks ON DELETE CASCADE);`,
    ],
    options: { maxDepth: 2 },
    optionDocs: { maxDepth: 'Cascade levels allowed below a table; a longer chain is reported (2: A ← B ← C is fine, A ← B ← C ← D is not).' },
  },
  check({ database, options, report }) {
    const tables = new Map<string, TableRef>();
    for (const t of tablesOf(database)) tables.set(t.name, t);
    // parent → children that cascade from it (self-references left out).
    const children = new Map<string, Set<string>>();
    const hasParent = new Set<string>();
    for (const t of tables.values()) {
      for (const fk of t.table.foreignKeys) {
        const parent = `${fk.refTable.schema}.${fk.refTable.name}`;
        if (fk.onDelete !== 'cascade' || parent === t.name || !tables.has(parent)) continue;
        if (!children.has(parent)) children.set(parent, new Set());
        children.get(parent)!.add(t.name);
        hasParent.add(t.name);
      }
    }
    const kids = (n: string) => [...(children.get(n) ?? [])].sort();

    let steps = 0;
    /** The longest simple cascade path from `node`, as table names. */
    const longest = (node: string, onPath: Set<string>): string[] => {
      let best: string[] = [node];
      if (++steps > STEP_BUDGET) return best;
      onPath.add(node);
      for (const child of kids(node)) {
        if (onPath.has(child)) continue;
        const path = longest(child, onPath);
        if (path.length + 1 > best.length) best = [node, ...path];
      }
      onPath.delete(node);
      return best;
    };

    const covered = new Set<string>();
    const cover = (from: string) => {
      const stack = [from];
      covered.add(from);
      while (stack.length) {
        for (const child of kids(stack.pop()!)) {
          if (covered.has(child)) continue;
          covered.add(child);
          stack.push(child);
        }
      }
    };

    // Roots: tables no other table cascades into; then, for cycles nothing outside reaches,
    // the cycle's first table by name.
    const parents = [...children.keys()].sort();
    const roots = parents.filter((name) => !hasParent.has(name));
    roots.forEach(cover);
    for (const name of parents) {
      if (covered.has(name)) continue;
      roots.push(name);
      cover(name);
    }

    for (const root of roots) {
      steps = 0;
      const path = longest(root, new Set());
      const depth = path.length - 1;
      if (depth <= options.maxDepth) continue;
      const t = tables.get(root)!;
      report({
        message: `Deleting a row of ${root} cascades ${depth} levels deep: ${path.join(' ← ')}`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: `One DELETE on ${root} locks and deletes rows across ${path.length} tables in a single statement. Use ON DELETE RESTRICT where a level is a reference rather than ownership, or delete bottom-up in batches.`,
      });
    }
  },
});
