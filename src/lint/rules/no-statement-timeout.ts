import { checkTimeout } from '../live-helpers.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'no-statement-timeout',
  meta: {
    category: 'operations',
    severity: 'warning',
    live: true,
    description: 'Application sessions run with a statement_timeout.',
    rationale: `With \`statement_timeout = 0\` (the default) a runaway query runs until someone kills it: it holds its
snapshot (vacuum cannot remove dead rows newer than it), its locks, a connection and CPU. Worse, a query
waiting on a lock makes every later query on that table queue behind it. Set a timeout for the database
or the application role (\`ALTER DATABASE ... SET statement_timeout\`, \`ALTER ROLE ... SET\`); roles that
run migrations or reports override it with a longer value. It applies to new sessions.`,
    options: { recommended: '30s' },
    optionDocs: { recommended: 'the value the fix sets: a duration with its unit (`30s`, `2min`); a bare number means milliseconds' },
    invalid: [
      `-- postgresql.conf keeps the default and no database or role sets it:
SHOW statement_timeout; -- flagged
-- 0`,
      `ALTER ROLE app IN DATABASE shop SET statement_timeout = 0; -- flagged`,
    ],
    valid: [`ALTER DATABASE shop SET statement_timeout = '30s';`, `ALTER ROLE app SET statement_timeout = '15s';`],
  },
  check({ live, options, report }) {
    checkTimeout(
      live!,
      'statement_timeout',
      options.recommended,
      'A runaway query keeps its locks, its snapshot (blocking vacuum) and a connection until it is killed.',
      report,
    );
  },
});
