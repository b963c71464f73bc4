import type { Engine } from './engine.js';

/** What rules about a running database need beyond the model: settings, activity, sequences. */
export interface LiveFacts {
  /** `server_version_num`, e.g. 150013. */
  serverVersion: number;
  isReplica: boolean;
  currentDatabase: string;
  currentRole: string;
  /** Effective values for this connection (server, database and role settings applied), with their source. */
  settings: Record<string, { value: string; source: string }>;
  /** `ALTER ROLE/DATABASE ... SET` entries for the current database or all databases. */
  roleSettings: { role: string | null; canLogin: boolean; database: string | null; settings: Record<string, string> }[];
  /** When the statistics start: the last stats reset or server start. */
  statsSince: string | null;
  invalidIndexes: { schema: string; table: string; name: string; definition: string }[];
  sequences: LiveSequence[];
  /** Per `schema.table`: pg_stat_user_tables and the freeze age. */
  tables: Record<string, TableActivity>;
  connections: { total: number; active: number; idle: number; idleInTransaction: number; oldestIdleInTransactionSeconds: number | null };
  /** Libraries in shared_preload_libraries and extensions installed in this database. */
  extensions: string[];
}

export interface LiveSequence {
  schema: string;
  name: string;
  type: string;
  lastValue: number | null;
  maxValue: number;
  increment: number;
  /** The column fed by the sequence (serial, identity, OWNED BY) and its type: the smaller limit wins. */
  column?: { schema: string; table: string; name: string; type: string; identity: boolean };
}

export interface TableActivity {
  seqScan: number;
  seqTupRead: number;
  idxScan: number | null;
  liveRows: number;
  deadRows: number;
  modsSinceAnalyze: number;
  inserts: number;
  updates: number;
  deletes: number;
  lastVacuum: string | null;
  lastAnalyze: string | null;
  /** age(relfrozenxid): transactions since the table was last frozen; null for a partitioned parent (it holds no rows). */
  xidAge: number | null;
}

const SETTINGS = [
  'statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout', 'lock_timeout', 'transaction_timeout',
  'max_connections', 'superuser_reserved_connections', 'reserved_connections', 'shared_preload_libraries',
  'track_counts', 'autovacuum', 'autovacuum_freeze_max_age', 'shared_buffers', 'work_mem', 'max_worker_processes',
];

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

/**
 * The settings rules judge, as this session got them (server, database and role settings).
 * Read before anything else: the tool then sets its own statement_timeout.
 */
export async function readSettings(engine: Engine): Promise<LiveFacts['settings']> {
  const settings: LiveFacts['settings'] = {};
  // Under SET LOCAL (the database's own timeout may be tiny), reset_val is still the session's
  // own value; only statement_timeout's source then reads 'session', and says nothing.
  await engine.exec(`BEGIN; SET LOCAL statement_timeout = '60s'`);
  const rows = await engine.query<{ name: string; setting: string; unit: string | null; source: string }>(
    `SELECT name, reset_val AS setting, unit, CASE WHEN source = 'session' THEN 'unknown' ELSE source END AS source FROM pg_settings WHERE name = ANY($1)`,
    [SETTINGS],
  );
  await engine.exec('COMMIT');
  for (const row of rows) {
    // A unit like `8kB` is a multiplier, not a suffix: only plain units are appended.
    const plainUnit = row.unit && /^(ms|s|min|h|d|kB|MB|GB)$/.test(row.unit);
    settings[row.name] = { value: plainUnit && /^-?\d+$/.test(row.setting) ? `${row.setting}${row.unit}` : row.setting, source: row.source };
  }
  return settings;
}

/** Reads the facts in one READ ONLY transaction; every query is catalog or statistics views only. */
export async function gatherLiveFacts(engine: Engine, settingsRead?: LiveFacts['settings']): Promise<LiveFacts> {
  const settings = settingsRead ?? (await readSettings(engine));
  await engine.exec('BEGIN READ ONLY');
  try {
    const [info] = await engine.query<{ version: number; replica: boolean; db: string; role: string; since: unknown }>(`
      SELECT current_setting('server_version_num')::int AS version, pg_is_in_recovery() AS replica,
             current_database() AS db, current_user AS role,
             coalesce((SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()), pg_postmaster_start_time()) AS since`);
    const roleSettings = (
      await engine.query<{ role: string | null; can_login: boolean | null; database: string | null; config: string[] }>(`
        SELECT r.rolname AS role, r.rolcanlogin AS can_login, d.datname AS database, s.setconfig AS config
        FROM pg_db_role_setting s
        LEFT JOIN pg_roles r ON r.oid = s.setrole
        LEFT JOIN pg_database d ON d.oid = s.setdatabase
        WHERE s.setdatabase = 0 OR d.datname = current_database()
        ORDER BY 1, 3`)
    ).map((row) => ({
      role: row.role,
      canLogin: row.can_login ?? false,
      database: row.database,
      settings: Object.fromEntries(row.config.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
    }));
    const invalidIndexes = await engine.query<LiveFacts['invalidIndexes'][number]>(`
      SELECT n.nspname AS schema, t.relname AS "table", i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = i.relnamespace
      -- ON ONLY indexes of partitioned tables are invalid until every partition's index is attached: that is their design.
      WHERE NOT x.indisvalid AND t.relkind <> 'p' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 3`);
    const sequences = (
      await engine.query<{ schema: string; name: string; type: string; last_value: number | null; max_value: number; increment: number; col_schema: string | null; col_table: string | null; col_name: string | null; col_type: string | null; identity: boolean | null }>(`
        SELECT s.schemaname AS schema, s.sequencename AS name, format_type(q.seqtypid, NULL) AS type,
               s.last_value::float8 AS last_value, s.max_value::float8 AS max_value, s.increment_by::float8 AS increment,
               cn.nspname AS col_schema, c.relname AS col_table, a.attname AS col_name,
               format_type(a.atttypid, a.atttypmod) AS col_type, d.deptype = 'i' AS identity
        FROM pg_sequences s
        JOIN pg_class sc ON sc.relname = s.sequencename
        JOIN pg_namespace sn ON sn.oid = sc.relnamespace AND sn.nspname = s.schemaname
        JOIN pg_sequence q ON q.seqrelid = sc.oid
        LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = sc.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LEFT JOIN pg_class c ON c.oid = d.refobjid
        LEFT JOIN pg_namespace cn ON cn.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        ORDER BY 1, 2`)
    ).map((r): LiveSequence => ({
      schema: r.schema,
      name: r.name,
      type: r.type,
      lastValue: r.last_value,
      maxValue: r.max_value,
      increment: r.increment,
      ...(r.col_name && { column: { schema: r.col_schema!, table: r.col_table!, name: r.col_name, type: r.col_type!, identity: r.identity === true } }),
    }));
    const tables: LiveFacts['tables'] = {};
    for (const r of await engine.query<{ schema: string; name: string; seq_scan: number; seq_tup_read: number; idx_scan: number | null; live: number; dead: number; mods: number; ins: number; upd: number; del: number; last_vacuum: unknown; last_analyze: unknown; xid_age: number | null }>(`
      SELECT s.schemaname AS schema, s.relname AS name, s.seq_scan::float8 AS seq_scan, s.seq_tup_read::float8 AS seq_tup_read,
             s.idx_scan::float8 AS idx_scan, s.n_live_tup::float8 AS live, s.n_dead_tup::float8 AS dead,
             s.n_mod_since_analyze::float8 AS mods, s.n_tup_ins::float8 AS ins, s.n_tup_upd::float8 AS upd, s.n_tup_del::float8 AS del,
             greatest(s.last_vacuum, s.last_autovacuum) AS last_vacuum, greatest(s.last_analyze, s.last_autoanalyze) AS last_analyze,
             CASE WHEN c.relkind = 'p' THEN NULL ELSE age(c.relfrozenxid)::float8 END AS xid_age
      FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`)) {
      tables[`${r.schema}.${r.name}`] = {
        seqScan: r.seq_scan, seqTupRead: r.seq_tup_read, idxScan: r.idx_scan, liveRows: r.live, deadRows: r.dead,
        modsSinceAnalyze: r.mods, inserts: r.ins, updates: r.upd, deletes: r.del,
        lastVacuum: iso(r.last_vacuum), lastAnalyze: iso(r.last_analyze), xidAge: r.xid_age,
      };
    }
    const [conn] = await engine.query<LiveFacts['connections']>(`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE state = 'active')::int AS active,
             count(*) FILTER (WHERE state = 'idle')::int AS idle,
             count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS "idleInTransaction",
             extract(epoch FROM max(now() - state_change) FILTER (WHERE state LIKE 'idle in transaction%'))::float8 AS "oldestIdleInTransactionSeconds"
      FROM pg_stat_activity WHERE backend_type = 'client backend'`);
    const extensions = (await engine.query<{ name: string }>('SELECT extname AS name FROM pg_extension ORDER BY 1')).map((r) => r.name);
    return {
      serverVersion: info.version,
      isReplica: info.replica,
      currentDatabase: info.db,
      currentRole: info.role,
      settings,
      roleSettings,
      statsSince: iso(info.since),
      invalidIndexes,
      sequences,
      tables,
      connections: conn,
      extensions,
    };
  } finally {
    await engine.exec('ROLLBACK');
  }
}
