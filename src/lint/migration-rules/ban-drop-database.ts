import { quoteIdent } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'ban-drop-database',
  meta: {
    category: 'migrations',
    severity: 'error',
    description: 'DROP DATABASE in a migration',
    rationale: `\`DROP DATABASE\` removes a whole database — every schema, table and row — and cannot be undone
or rolled back: it refuses to run inside a transaction block, so no migration tool's transaction
protects it, and \`WITH (FORCE)\` (PostgreSQL 13+) even terminates the sessions connected to it.
A migration is replayed in every environment, production included; dropping a database belongs in
provisioning scripts run by hand, not in the migration history.`,
    invalid: [`DROP DATABASE IF EXISTS analytics; -- flagged`, `DROP DATABASE legacy WITH (FORCE); -- flagged`],
    valid: [`DROP SCHEMA IF EXISTS analytics_staging CASCADE;`, `CREATE TABLE audit_log (id bigint PRIMARY KEY);`],
  },
  check({ statement, report }) {
    if (statement.type !== 'DropdbStmt') return;
    const force = (statement.node.options ?? []).some((o: any) => o.DefElem?.defname === 'force');
    report({
      message: `DROP DATABASE ${quoteIdent(statement.node.dbname)} deletes a whole database, in every environment the migration runs in`,
      object: statement.node.dbname,
      help: `it cannot be rolled back (no transaction block is allowed around it)${force ? ', and WITH (FORCE) terminates the sessions using it' : ''}. Drop databases by hand or in provisioning scripts, not in migrations.`,
    });
  },
});
