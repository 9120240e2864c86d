import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../../config/load-environment';
import { redactUrl } from '../../config/redact-url';
import { externalTarget } from './database-target';
import { runMigrations } from './migrate';
import { seedSampleData } from './sample-data';
import { typeOrmOptions } from './typeorm-options';

/**
 * `npm run db:seed`: migrates the server named by DB_URL and loads the sample data if its customers table is
 * empty. (The embedded default seeds itself at boot.)
 */
async function main(): Promise<void> {
  const env = await loadEnvironment();
  if (!env.DB_URL) throw new Error('Set DB_URL to the PostgreSQL server to seed (the embedded default seeds itself at boot)');
  const options = typeOrmOptions(env, externalTarget(env.DB_URL));
  const migrated = await runMigrations(options, false);
  const dataSource = await new DataSource(options).initialize();
  try {
    const seeded = await seedSampleData(dataSource);
    process.stderr.write(
      `${redactUrl(env.DB_URL)}: ${migrated.length} migration(s) run; sample data ${seeded ? 'loaded' : 'already present, left alone'}\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:seed failed: ${(error as Error).message}\n`);
  process.exit(1);
});
