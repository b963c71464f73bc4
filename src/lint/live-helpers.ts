import type { LiveFacts } from '../engine/live-facts.js';

/** Milliseconds of a duration setting as pg_settings or ALTER ROLE shows it (`30000ms`, `0`, `5min`, `500000us`); NaN when unreadable. */
export function settingMs(value: string | undefined): number {
  if (value === undefined) return NaN;
  const m = /^'?(-?\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?'?$/.exec(value.trim());
  if (!m) return NaN;
  const unit = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms']!;
  return Number(m[1]) * unit;
}

/** Days the statistics have been collecting, or Infinity when unknown. */
export function statsAgeDays(live: LiveFacts, now = Date.now()): number {
  return live.statsSince ? (now - Date.parse(live.statsSince)) / 86_400_000 : Infinity;
}

/** Login roles that set `name` for this database or everywhere: the database's entry wins, as in PostgreSQL. */
export function roleOverrides(live: LiveFacts, name: string): { role: string; database: string | null; value: string }[] {
  const byRole = new Map<string, { role: string; database: string | null; value: string }>();
  for (const s of live.roleSettings) {
    if (!s.role || !s.canLogin || !(name in s.settings)) continue;
    const known = byRole.get(s.role);
    if (!known || (known.database === null && s.database !== null)) byRole.set(s.role, { role: s.role, database: s.database, value: s.settings[name] });
  }
  return [...byRole.values()];
}

/**
 * Shared by the timeout rules: the effective value for this connection, then every login role
 * that turns the timeout off again. A role setting wins over a database setting, which wins
 * over postgresql.conf, so each level gets its own finding and fix.
 */
export function checkTimeout(
  live: LiveFacts,
  name: string,
  recommended: string,
  why: string,
  report: (r: { message: string; object: string; help: string; fix?: { title: string; sql: string } }) => void,
): void {
  const db = `"${live.currentDatabase.replace(/"/g, '""')}"`;
  recommended = recommended.replace(/'/g, "''");
  const effective = live.settings[name];
  const reported = new Set<string>();
  if (effective && settingMs(effective.value) === 0) {
    const byRole =
      effective.source === 'user' || effective.source === 'database user' || (effective.source === 'unknown' && roleOverrides(live, name).some((o) => o.role === live.currentRole));
    if (byRole) reported.add(live.currentRole);
    report({
      message: `${name} is 0 (disabled) for role ${live.currentRole} on database ${live.currentDatabase} (set by: ${effective.source})`,
      object: byRole ? `role ${live.currentRole}` : `database ${live.currentDatabase}`,
      help: `${why} Set it for the database (roles that run migrations or batch jobs can override it with ALTER ROLE ... SET ${name} = ...).`,
      fix: {
        title: `Set ${name} = '${recommended}' for new sessions`,
        sql: byRole
          ? `ALTER ROLE "${live.currentRole.replace(/"/g, '""')}" IN DATABASE ${db} SET ${name} = '${recommended}';`
          : `-- applies to new sessions; pooled connections pick it up when they reconnect\nALTER DATABASE ${db} SET ${name} = '${recommended}';`,
      },
    });
  }
  for (const o of roleOverrides(live, name)) {
    if (settingMs(o.value) !== 0 || reported.has(o.role)) continue;
    reported.add(o.role);
    const where = o.database ? ` IN DATABASE "${o.database.replace(/"/g, '""')}"` : '';
    report({
      message: `Login role ${o.role} turns ${name} off (ALTER ROLE ... SET ${name} = 0${o.database ? ` in database ${o.database}` : ''})`,
      object: `role ${o.role}`,
      help: `${why} If ${o.role} runs migrations or batch jobs, keep a long but finite value rather than 0.`,
      fix: { title: `Set ${name} = '${recommended}' for ${o.role}`, sql: `ALTER ROLE "${o.role.replace(/"/g, '""')}"${where} SET ${name} = '${recommended}';` },
    });
  }
}
