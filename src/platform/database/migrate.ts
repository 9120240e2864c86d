import { DataSource, DataSourceOptions } from 'typeorm';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor';

/** Any constant works; this one is `mcp-tool-server` hashed, so it does not collide with other apps' locks. */
const MIGRATION_LOCK_KEY = 727_270_411;

/**
 * Runs pending migrations on a short-lived connection of their own, holding a PostgreSQL advisory lock so
 * that replicas booting together migrate once. The embedded database has one session shared by every process
 * on its data directory, so an advisory lock would exclude no one: there the check for pending migrations and
 * the migrations run in ONE transaction, which the embedded socket server gives exclusive use of the session
 * (a second process's migration waits, then finds nothing pending). Returns the names of the migrations run.
 */
export async function runMigrations(options: DataSourceOptions, embedded: boolean): Promise<string[]> {
  // Two connections on a server: one holds the lock (in its transaction), the other migrates.
  const extra = { ...(options.extra as object), max: embedded ? 1 : 2 };
  const dataSource = await new DataSource({ ...options, extra } as DataSourceOptions).initialize();
  try {
    if (embedded) {
      return await dataSource.transaction(async (manager) => {
        const executor = new MigrationExecutor(dataSource, manager.queryRunner);
        executor.transaction = 'none'; // inside ours
        return (await executor.executePendingMigrations()).map((m) => m.name);
      });
    }
    return await dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    });
  } finally {
    await dataSource.destroy();
  }
}
