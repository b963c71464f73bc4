import { checkTimeout } from '../live-helpers.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'no-idle-in-transaction-timeout',
  meta: {
    category: 'operations',
    severity: 'warning',
    live: true,
    description: 'Sessions idle inside a transaction are ended by idle_in_transaction_session_timeout.',
    rationale: `A client that opens a transaction and then waits (a crashed worker, a debugger, a forgotten
\`BEGIN\` in a console) keeps its locks and its snapshot: vacuum cannot clean any row deleted after that
snapshot, on any table, so bloat grows database-wide, and an ALTER waiting for its lock queues every other
query behind it. \`idle_in_transaction_session_timeout\` (PostgreSQL 9.6+) terminates such sessions.`,
    options: { recommended: '60s' },
    optionDocs: { recommended: 'the value the fix sets: a duration with its unit (`30s`, `2min`); a bare number means milliseconds' },
    invalid: [
      `SHOW idle_in_transaction_session_timeout; -- flagged
-- 0`,
    ],
    valid: [`ALTER DATABASE shop SET idle_in_transaction_session_timeout = '60s';`],
  },
  check({ live, options, report }) {
    const idle = live!.connections;
    const now = idle.idleInTransaction ? ` Right now ${idle.idleInTransaction} session(s) are idle in a transaction${idle.oldestIdleInTransactionSeconds ? `, the oldest for ${Math.round(idle.oldestIdleInTransactionSeconds)} s` : ''}.` : '';
    checkTimeout(
      live!,
      'idle_in_transaction_session_timeout',
      options.recommended,
      `A session idle in a transaction holds locks and a snapshot that stops vacuum everywhere.${now}`,
      report,
    );
  },
});
