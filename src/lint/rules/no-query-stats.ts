import { defineRule } from '../types.js';

export default defineRule({
  id: 'no-query-stats',
  meta: {
    category: 'operations',
    severity: 'info',
    live: true,
    description: 'pg_stat_statements is loaded and installed, so query costs can be measured.',
    rationale: `Without pg_stat_statements nobody can say which queries take the database's time, how often they
run or how their latency changes: index advice, capacity planning and regressions are guesswork. It
needs \`shared_preload_libraries = 'pg_stat_statements'\` (a restart) and \`CREATE EXTENSION
pg_stat_statements\` in the database; its overhead is small (a few percent at most).`,
    invalid: [
      `SHOW shared_preload_libraries; -- flagged
-- '' (pg_stat_statements not loaded)`,
    ],
    valid: [
      `-- postgresql.conf: shared_preload_libraries = 'pg_stat_statements'
CREATE EXTENSION pg_stat_statements;`,
    ],
  },
  check({ live, report }) {
    const l = live!;
    // Only superusers and pg_read_all_settings see shared_preload_libraries: unknown is not absent.
    if (!l.settings.shared_preload_libraries) return;
    const loaded = (l.settings.shared_preload_libraries?.value ?? '').split(',').map((s) => s.trim().replace(/^"|"$/g, '')).includes('pg_stat_statements');
    const installed = l.extensions.includes('pg_stat_statements');
    if (loaded && installed) return;
    report({
      message: `pg_stat_statements is ${loaded ? 'loaded but not installed in' : installed ? 'installed but not loaded (shared_preload_libraries) for' : 'neither loaded nor installed in'} database ${l.currentDatabase}`,
      object: `database ${l.currentDatabase}`,
      help: loaded
        ? 'Install it in this database.'
        : "Add it to shared_preload_libraries in postgresql.conf (or the platform's parameter group), restart, then CREATE EXTENSION pg_stat_statements.",
      ...(loaded && !installed && { fix: { title: 'Install pg_stat_statements', sql: 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;' } }),
    });
  },
});
