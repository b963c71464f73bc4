/**
 * The live-database rules against a real PostgreSQL server, with the state made real:
 * sequences set near their limit, a failed concurrent build, seq scans run, dead rows made,
 * settings changed on a test role. Each case runs in a database of its own, dropped at the end.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { gatherLiveFacts, type LiveFacts } from '../src/engine/live-facts.js';
import { settingMs } from '../src/lint/live-helpers.js';
import { connectServer } from '../src/engine/server.js';
import { review } from '../src/lint/review.js';
import { loadSchema } from '../src/load/load-schema.js';
import { RULES } from '../src/lint/rules/index.js';
import type { OptionValue } from '../src/lint/types.js';
import { initNormalizer } from '../src/model/normalize.js';
import { execStatements } from './helpers/scratch-engine.js';

const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;
if (!serverUrl) console.log('rules-live: SCHEMAWISE_TEST_DATABASE_URL is not set; live rules are not tested against a server');

const suffix = `${process.pid}_${Date.now() % 100000}`;
const dbName = `schemawise_live_${suffix}`;
const roleName = `schemawise_live_app_${suffix}`;
const dbUrl = () => {
  const u = new URL(serverUrl!);
  u.pathname = `/${dbName}`;
  return u.toString();
};

const rule = (id: string) => RULES.find((r) => r.id === id)!;

async function reviewLive(id: string, options: Record<string, OptionValue> = {}) {
  const engine = await connectServer(dbUrl());
  try {
    const { database } = await introspect(engine);
    const live = await gatherLiveFacts(engine);
    return review({ database, live, rules: [rule(id)], config: { rules: { [id]: { options } }, ignoreTables: [] } }).findings;
  } finally {
    await engine.close();
  }
}

/** Through the loader the CLI uses: settings read first, then the tool's own statement_timeout. */
async function reviewLiveViaLoad(id: string) {
  const { database, live } = await loadSchema([dbUrl()], { liveFacts: true });
  return review({ database, live, rules: [rule(id)] }).findings;
}

/** Statistics reach other sessions when the backend flushes them: force it, then wait until they show. */
async function flushStats(engine: Engine, table: string, until: (row: Record<string, number>) => boolean) {
  await engine.query('SELECT pg_stat_force_next_flush()');
  for (let i = 0; i < 50; i++) {
    await engine.query('SELECT 1');
    const [row] = await engine.query<Record<string, number>>(
      `SELECT seq_scan::float8, seq_tup_read::float8, idx_scan::float8, n_dead_tup::float8, n_live_tup::float8 FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
    );
    if (row && until(row)) return;
    await new Promise((r) => setTimeout(r, 100));
    await engine.query('SELECT pg_stat_clear_snapshot()');
  }
  throw new Error(`statistics of ${table} did not show up`);
}

describe.skipIf(!serverUrl)('live rules on the PostgreSQL server', () => {
  let admin: Engine;
  let db: Engine;

  beforeAll(async () => {
    await initNormalizer();
    admin = await connectServer(serverUrl!);
    await admin.exec(`CREATE DATABASE ${dbName}`);
    await admin.exec(`CREATE ROLE ${roleName} LOGIN`);
    db = await connectServer(dbUrl());
  }, 60_000);

  beforeEach(async () => {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  });

  afterAll(async () => {
    await db?.close();
    if (admin) {
      await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.exec(`DROP ROLE IF EXISTS ${roleName}`);
      await admin.close();
    }
  });

  it('sequence-exhaustion: an integer identity past 75% of its range; a bigint one is fine; a narrow sequence is widened by its fix', async () => {
    await db.exec(`CREATE TABLE tickets (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
      SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1800000000);
      CREATE TABLE big_tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
      SELECT setval(pg_get_serial_sequence('big_tickets', 'id'), 1800000000);
      CREATE SEQUENCE legacy_seq AS integer;
      CREATE TABLE legacy (id bigint PRIMARY KEY DEFAULT nextval('legacy_seq'));
      ALTER SEQUENCE legacy_seq OWNED BY legacy.id;
      SELECT setval('legacy_seq', 2000000000);`);
    const findings = await reviewLive('sequence-exhaustion');
    expect(findings.map((f) => f.object)).toEqual(['public.legacy.id', 'public.tickets.id']);
    expect(findings[1].message).toContain('83.8% of its range');
    expect(findings[1].fix).toBeUndefined();
    await db.exec(findings[0].fix!.sql);
    expect((await reviewLive('sequence-exhaustion')).map((f) => f.object)).toEqual(['public.tickets.id']);
  });

  it('invalid-index: a failed CREATE UNIQUE INDEX CONCURRENTLY is reported, and its fix drops it', async () => {
    await db.exec(`CREATE TABLE users (id bigint PRIMARY KEY, email text); INSERT INTO users VALUES (1, 'a@x'), (2, 'a@x')`);
    await expect(db.exec('CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users (email)')).rejects.toThrow(/could not create unique index/);
    const findings = await reviewLive('invalid-index');
    expect(findings.map((f) => [f.ruleId, f.object, f.severity])).toEqual([['invalid-index', 'public.idx_users_email', 'error']]);
    expect(findings[0].fix!.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON public.users USING btree (email)');
    await db.exec(findings[0].fix!.sql);
    expect(await reviewLive('invalid-index')).toEqual([]);
  });

  it('unused-index: an index never scanned is reported; once a query uses it, it is not', async () => {
    await db.exec(`CREATE TABLE notes (id bigint PRIMARY KEY, note text);
      INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 5000) g;
      CREATE INDEX idx_notes_note ON notes (note); ANALYZE notes;`);
    const options = { minStatsDays: 0 };
    const findings = await reviewLive('unused-index', options);
    expect(findings.map((f) => f.object)).toEqual(['public.idx_notes_note']);
    expect(findings[0].fix!.sql).toBe('DROP INDEX CONCURRENTLY public.idx_notes_note;');
    expect(await reviewLive('unused-index', { minStatsDays: 3650 }), 'statistics younger than the window say nothing').toEqual([]);
    await db.exec(`SELECT * FROM notes WHERE note = 'n42'`);
    await flushStats(db, 'notes', (r) => r.idx_scan > 0);
    expect(await reviewLive('unused-index', options)).toEqual([]);
  });

  it('seq-scan-heavy-table: repeated full scans of a large table are reported; an indexed table is not', async () => {
    await db.exec(`CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint NOT NULL);
      INSERT INTO events SELECT g, g % 100 FROM generate_series(1, 20000) g; ANALYZE events;`);
    await db.exec(`DO $$ BEGIN FOR i IN 1..30 LOOP PERFORM count(*) FROM events WHERE account_id = i; END LOOP; END $$`);
    await flushStats(db, 'events', (r) => r.seq_scan >= 30);
    const options = { minSeqScans: 25, minRowsPerScan: 10000 };
    const findings = await reviewLive('seq-scan-heavy-table', options);
    expect(findings.map((f) => f.object)).toEqual(['public.events']);
    expect(findings[0].message).toMatch(/had 3\d sequential scans reading 1\d,\d{3} rows each on average \(0 index scans\)/);
    expect(await reviewLive('seq-scan-heavy-table', { ...options, minSeqScans: 1000 })).toEqual([]);
  });

  it('table-bloat: an UPDATE of every row with autovacuum off leaves half the table dead; VACUUM (the fix) clears it', async () => {
    await db.exec(`CREATE TABLE sessions (id bigint PRIMARY KEY, seen int) WITH (autovacuum_enabled = false);
      INSERT INTO sessions SELECT g, 0 FROM generate_series(1, 20000) g; UPDATE sessions SET seen = 1;`);
    await flushStats(db, 'sessions', (r) => r.n_dead_tup >= 20000);
    const findings = await reviewLive('table-bloat');
    expect(findings.map((f) => f.object)).toEqual(['public.sessions']);
    expect(findings[0].message).toContain('50% dead rows');
    await execStatements(db, findings[0].fix!.sql);
    await flushStats(db, 'sessions', (r) => r.n_dead_tup === 0);
    expect(await reviewLive('table-bloat')).toEqual([]);
  });

  it('table-bloat and vacuum-stale look at partitions, where the rows are; a partitioned parent has no freeze age', async () => {
    await db.exec(`CREATE TABLE ev (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE ev_2026 PARTITION OF ev FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') WITH (autovacuum_enabled = false);
      INSERT INTO ev SELECT g, '2026-03-01' FROM generate_series(1, 20000) g; UPDATE ev SET id = id + 1;`);
    await flushStats(db, 'ev_2026', (r) => r.n_dead_tup >= 20000);
    expect((await reviewLive('table-bloat')).map((f) => f.object)).toEqual(['public.ev_2026']);
    expect((await reviewLive('vacuum-stale')).map((f) => f.object)).toEqual(['public.ev_2026']);
  });

  it('a database whose statement_timeout is shorter than the catalog queries is still reviewed', async () => {
    await admin.exec(`ALTER DATABASE ${dbName} SET statement_timeout = '1ms'`);
    try {
      const findings = await reviewLiveViaLoad('no-statement-timeout');
      expect(findings).toEqual([]);
    } finally {
      await admin.exec(`ALTER DATABASE ${dbName} RESET statement_timeout`);
    }
  });

  it('vacuum-stale: a loaded table never analyzed is reported; ANALYZE (the fix) clears it', async () => {
    await db.exec(`CREATE TABLE imports (id bigint PRIMARY KEY) WITH (autovacuum_enabled = false);
      INSERT INTO imports SELECT generate_series(1, 5000);`);
    await flushStats(db, 'imports', (r) => r.n_live_tup >= 5000);
    const findings = await reviewLive('vacuum-stale');
    expect(findings.map((f) => [f.object, f.message])).toEqual([['public.imports', 'Table public.imports: never analyzed, with 5,000 rows']]);
    await db.exec(findings[0].fix!.sql);
    expect(await reviewLive('vacuum-stale')).toEqual([]);
  });

  it.each(['no-statement-timeout', 'no-idle-in-transaction-timeout'])('%s: the server default 0 is reported for the database, a role turning it off again for the role', async (id) => {
    const name = id === 'no-statement-timeout' ? 'statement_timeout' : 'idle_in_transaction_session_timeout';
    const findings = await reviewLive(id);
    expect(findings.map((f) => f.object)).toEqual([`database ${dbName}`]);
    await admin.exec(findings[0].fix!.sql.replace(/^--.*\n/m, ''));
    await admin.exec(`ALTER ROLE ${roleName} IN DATABASE ${dbName} SET ${name} = 0`);
    const after = await reviewLive(id);
    expect(after.map((f) => f.object)).toEqual([`role ${roleName}`]);
    await admin.exec(after[0].fix!.sql);
    expect(await reviewLive(id)).toEqual([]);
  });

  it('connection-headroom: max_connections far above the cores is reported; a handful of connections is not', async () => {
    expect(await reviewLive('connection-headroom')).toEqual([]);
    const findings = await reviewLive('connection-headroom', { cores: 2 });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/max_connections is \d+ for 2 cores/);
    expect(findings[0].help).toContain('a pool of about 4 server connections');
  });

  it('no-query-stats: pg_stat_statements missing from this database is reported, whether the server preloads it or not', async () => {
    const findings = await reviewLive('no-query-stats');
    expect(findings.map((f) => f.object)).toEqual([`database ${dbName}`]);
    const engine = await connectServer(dbUrl());
    const [{ preload }] = await engine.query<{ preload: string }>(`SELECT current_setting('shared_preload_libraries') AS preload`).finally(() => engine.close());
    // .ci/run preloads it (advise --from-pg-stat-statements); a bare server does not.
    expect(findings[0].message).toMatch(preload.includes('pg_stat_statements') ? /^pg_stat_statements is loaded but not installed in database / : /neither loaded nor installed|installed but not loaded/);
  });
});

describe('live settings as PostgreSQL applies them', () => {
  const facts = (roleSettings: LiveFacts['roleSettings'], value = '30s'): LiveFacts => ({
    serverVersion: 150000, isReplica: false, currentDatabase: 'shop', currentRole: 'admin',
    settings: { statement_timeout: { value, source: 'database' }, shared_preload_libraries: { value: '', source: 'default' } },
    roleSettings, statsSince: null, invalidIndexes: [], sequences: [], tables: {},
    connections: { total: 1, active: 1, idle: 0, idleInTransaction: 0, oldestIdleInTransactionSeconds: null }, extensions: [],
  });
  const run = (live: LiveFacts) => review({ database: { version: 1, schemas: [], extensions: [] }, live, rules: [rule('no-statement-timeout')] }).findings;

  it("a role's setting for this database wins over its setting for all databases", () => {
    expect(run(facts([
      { role: 'app', canLogin: true, database: null, settings: { statement_timeout: '0' } },
      { role: 'app', canLogin: true, database: 'shop', settings: { statement_timeout: '30s' } },
    ]))).toEqual([]);
    expect(run(facts([{ role: 'app', canLogin: true, database: null, settings: { statement_timeout: '0' } }])).map((f) => f.object)).toEqual(['role app']);
  });

  it('reads every unit ALTER ROLE accepts; an unreadable value is not taken for 0', () => {
    expect(settingMs('500000us')).toBe(500);
    expect(settingMs('5min')).toBe(300_000);
    expect(settingMs('0')).toBe(0);
    expect(settingMs('soon')).toBeNaN();
    expect(run(facts([{ role: 'app', canLogin: true, database: null, settings: { statement_timeout: '500000us' } }]))).toEqual([]);
  });
});
