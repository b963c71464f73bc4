import { globToRegExp } from '../model/filter-model.js';
import type { Config } from './config.js';
import { matchIgnore, type Ignore } from './ignores.js';
import type { Finding } from './types.js';

/**
 * Splits findings into those kept and the number hidden by the config's `ignoreTables` or
 * by `-- schemawise-ignore` comments (review and migrate lint apply the same suppressions).
 */
export function suppressFindings(findings: Finding[], config: Config, ignores: Ignore[]): { kept: Finding[]; suppressed: number } {
  const ignoredTables = config.ignoreTables.map(globToRegExp);
  const kept: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    const table = finding.table;
    const tableIgnored = table && ignoredTables.some((re) => re.test(table) || re.test(table.slice(table.indexOf('.') + 1)));
    // Asked even when the table is ignored: the comment did match something, so it is not unused.
    const commentIgnored = matchIgnore(ignores, finding.ruleId, finding.location);
    if (tableIgnored || commentIgnored) suppressed++;
    else kept.push(finding);
  }
  return { kept, suppressed };
}
