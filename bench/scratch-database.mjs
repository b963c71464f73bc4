// A scratch database on the benchmark server (SCHEMAWISE_BENCH_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres), created for `run(url)` and dropped after it.
// Without a reachable server it says so and returns false.
export async function withScratchDatabase(connectServer, prefix, run) {
  const url = process.env.SCHEMAWISE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let admin;
  try {
    admin = await connectServer(url);
  } catch (error) {
    console.log(`\n(server not measured: ${error.message})`);
    return false;
  }
  const scratch = `${prefix}_${process.pid}`;
  await admin.exec(`CREATE DATABASE ${scratch}`);
  try {
    const u = new URL(url);
    u.pathname = `/${scratch}`;
    await run(u.toString());
    return true;
  } finally {
    await admin.exec(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.close();
  }
}
