import type { Finding } from './types.js';

/**
 * One migration with every available fix, in finding order. The header sets a lock_timeout
 * so a fix that waits behind a long transaction fails instead of queueing every other query
 * behind its lock request.
 */
export function fixScript(findings: Finding[]): string {
  // Renames go last, columns before tables: every other fix names the objects as they are now.
  const renameOrder = (sql: string) => (/^ALTER TABLE [^;]* RENAME TO /m.test(sql) ? 2 : /\bRENAME COLUMN\b/.test(sql) ? 1 : 0);
  // An object one fix drops gets no other fix (a rename of a dropped index fails); the
  // same statement from two findings is written once.
  const dropped = new Set(findings.filter((f) => f.fix && /^Drop\b/.test(f.fix.title)).map((f) => f.object));
  const written = new Set<string>();
  const fixes = findings
    .filter((f) => f.fix && (/^Drop\b/.test(f.fix.title) || !dropped.has(f.object)))
    .filter((f) => !written.has(f.fix!.sql) && written.add(f.fix!.sql))
    .sort((a, b) => renameOrder(a.fix!.sql) - renameOrder(b.fix!.sql));
  const concurrent = fixes.some((f) => /\bCONCURRENTLY\b|^\s*VACUUM\b/im.test(f.fix!.sql));
  const lines = [
    `-- schemawise review: ${fixes.length} fix${fixes.length === 1 ? '' : 'es'}. Read each one before running it.`,
    ...(concurrent
      ? ['-- CREATE/DROP INDEX CONCURRENTLY and VACUUM cannot run inside a transaction block: run this', '-- file with plain psql (no --single-transaction, no BEGIN around it), e.g. psql -v ON_ERROR_STOP=1 -f']
      : []),
    '',
    "SET lock_timeout = '5s';",
    '',
  ];
  for (const f of fixes) {
    const where = f.location ? ` (${f.location.file}:${f.location.line})` : '';
    lines.push(`-- ${f.ruleId}: ${f.fix!.title}${where}`, f.fix!.sql.trimEnd(), '');
  }
  return lines.join('\n');
}
