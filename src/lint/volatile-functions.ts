/**
 * Built-in functions PostgreSQL marks VOLATILE (provolatile = 'v'), by name, from PostgreSQL 18:
 * `SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND
 * provolatile = 'v'`, leaving out set-returning functions and those taking or returning internal,
 * void or handler types, which cannot appear in a column default. Every other built-in is STABLE
 * or IMMUTABLE (now(), CURRENT_TIMESTAMP, txid_current() are STABLE: evaluated once per statement).
 */
export const VOLATILE_BUILTINS = new Set([
  'array_sample', 'array_shuffle', 'clock_timestamp', 'currval', 'gen_random_uuid', 'lastval', 'nextval', 'random',
  'random_normal', 'setval', 'timeofday', 'uuidv4', 'uuidv7', 'pg_current_wal_lsn', 'pg_current_wal_insert_lsn',
  'pg_current_wal_flush_lsn', 'pg_export_snapshot', 'pg_is_in_recovery', 'pg_last_committed_xact',
  'pg_last_xact_replay_timestamp', 'pg_xact_commit_timestamp', 'pg_xact_status', 'txid_status', 'pg_nextoid',
  'pg_database_size', 'pg_relation_size', 'pg_table_size', 'pg_indexes_size', 'pg_total_relation_size',
  'pg_tablespace_size', 'pg_sequence_last_value', 'pg_read_file', 'pg_read_binary_file', 'pg_stat_file',
  'pg_try_advisory_lock', 'pg_try_advisory_lock_shared', 'pg_try_advisory_xact_lock', 'pg_try_advisory_xact_lock_shared',
  'pg_advisory_unlock', 'pg_advisory_unlock_shared', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids',
  'pg_cancel_backend', 'pg_terminate_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_switch_wal',
  'pg_create_restore_point', 'pg_backup_start', 'pg_backup_stop', 'pg_promote', 'pg_logical_emit_message',
  'pg_current_logfile', 'pg_jit_available', 'pg_notification_queue_usage', 'pg_collation_actual_version',
  'pg_database_collation_actual_version', 'current_query', 'set_config', 'query_to_xml', 'query_to_xmlschema',
  'query_to_xml_and_xmlschema', 'cursor_to_xml', 'cursor_to_xmlschema', 'lo_creat', 'lo_create', 'lo_import',
  'lo_from_bytea', 'lo_get', 'loread', 'lowrite', 'lo_open', 'lo_close', 'lo_unlink', 'lo_export',
]);

/**
 * VOLATILE functions of the extensions defaults most often call (uuid-ossp, pgcrypto), in
 * whatever schema they were installed: pgcrypto's gen_random_uuid() predates the built-in (13).
 */
export const VOLATILE_EXTENSION_FUNCTIONS = new Set(['uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'gen_random_bytes', 'gen_salt', 'gen_random_uuid']);

/** Whether an expression calls a function known to be VOLATILE (by name; unknown functions are not). */
export function callsVolatileFunction(expression: string): boolean {
  for (const [, name] of expression.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/gi)) {
    const fn = name.toLowerCase();
    if (VOLATILE_BUILTINS.has(fn) || VOLATILE_EXTENSION_FUNCTIONS.has(fn)) return true;
  }
  return false;
}
