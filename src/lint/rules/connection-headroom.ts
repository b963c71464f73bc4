import { defineRule } from '../types.js';

export default defineRule({
  id: 'connection-headroom',
  meta: {
    category: 'operations',
    severity: 'warning',
    live: true,
    description: 'Connections in use against max_connections, and max_connections against the CPU cores.',
    rationale: `Each connection is a process with its own memory (work_mem per sort or hash, per node); more
active backends than cores only adds context switches and lock contention, and idle ones still cost
memory and make snapshots slower to take. When clients need many connections, put a pooler in front
(PgBouncer or the platform's, in transaction mode) with a small pool — about 2 × cores plus the disks
that can work in parallel — and keep max_connections a little above pool size × pools. A database that
runs out of connections refuses new clients with \`FATAL: sorry, too many clients already\`.`,
    options: { cores: 0, maxUsedFraction: 0.75, maxIdle: 50, connectionsPerCore: 4 },
    optionDocs: {
      cores: 'CPU cores of the database server (PostgreSQL cannot tell; 0 = unknown, skips the per-core check)',
      maxUsedFraction: 'connections in use, as a fraction of the ones clients may take, that are reported',
      maxIdle: 'idle client connections above which a pooler is recommended',
      connectionsPerCore: 'max_connections per core above which a pooler is recommended (needs `cores`)',
    },
    invalid: [
      `SHOW max_connections; -- flagged
-- 100, with 90 client connections open (75% is the threshold)`,
    ],
    valid: [
      `SHOW max_connections;
-- 100, with 12 connections open through a pooler`,
    ],
  },
  check({ live, options, report }) {
    const l = live!;
    const max = Number(l.settings.max_connections?.value ?? 100);
    const reserved = Number(l.settings.superuser_reserved_connections?.value ?? 3) + Number(l.settings.reserved_connections?.value ?? 0);
    const available = max - reserved;
    const c = l.connections;
    const pool = options.cores > 0 ? `a pool of about ${options.cores * 2} server connections` : 'a pool of about 2 × CPU cores server connections';
    const problems: string[] = [];
    if (c.total >= available * options.maxUsedFraction) problems.push(`${c.total} of the ${available} connections clients may open are in use`);
    if (c.idle > options.maxIdle) problems.push(`${c.idle} client connections are idle`);
    if (options.cores > 0 && max > options.cores * options.connectionsPerCore) problems.push(`max_connections is ${max} for ${options.cores} cores`);
    if (!problems.length) return;
    report({
      message: `The server (seen from database ${l.currentDatabase}): ${problems.join('; ')}`,
      object: `database ${l.currentDatabase}`,
      help: `Put a pooler in front (PgBouncer, transaction mode) with ${pool}, and size max_connections a little above what the pools need (${c.active} active now).`,
    });
  },
});
