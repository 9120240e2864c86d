import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/platform/database/embedded/embedded-postgres';

const CLIENTS = 6;
const ROUNDS = 10;
/**
 * Larger than the socket's buffer: the client writes its Bind in several turns, and the session used to
 * run the other connections' messages in between (their Parse replaced this one's unnamed statement).
 */
const PADDING = 'x'.repeat(1_000_000);

async function connectTo(db: EmbeddedPostgres): Promise<Client> {
  const client = new Client({ connectionString: db.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // an error outside a query (a cut connection): the next query reports it
  await client.connect();
  return client;
}

describe('EmbeddedPostgres: several connections on the ONE session, extended protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'embedded-cycles-'));
  const dataDir = join(root, 'pglite');
  let db: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    db = await EmbeddedPostgres.start({ dataDir, log: () => undefined });
  }, 90_000);

  afterAll(async () => {
    await db?.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(`${dataDir}.lock`, { force: true });
  }, 30_000);

  it('gives every connection its own unnamed statement and portal for a whole Parse..Sync cycle', async () => {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connectTo(db!)));
    const errors: string[] = [];
    const wrong: string[] = [];
    await Promise.all(
      clients.map(async (client, c) => {
        for (let round = 0; round < ROUNDS; round++) {
          const n = c * 1_000 + round;
          // Each client its own statement text and result shape, so a swapped statement or portal shows.
          const text = `SELECT $1::int AS n, length($2::text) AS len, ${c} AS client`;
          try {
            const { rows } = await client.query<{ n: number; len: number; client: number }>({ text, values: [n, PADDING] });
            if (rows.length !== 1 || rows[0].n !== n || rows[0].len !== PADDING.length || rows[0].client !== c) {
              wrong.push(`client ${c} round ${round}: ${JSON.stringify(rows)}`);
            }
          } catch (error) {
            errors.push(`client ${c} round ${round}: ${(error as Error).message}`);
          }
        }
      }),
    );
    await Promise.all(clients.map((client) => client.end()));
    expect(errors).toEqual([]);
    expect(wrong).toEqual([]);
  }, 120_000);

  it('lets the others go on when a connection leaves in the middle of its cycle, after an error', async () => {
    const [leaving, staying] = await Promise.all([connectTo(db!), connectTo(db!)]);
    // Parse and Bind of a failing statement without Sync: the session ignores messages until a Sync.
    await new Promise<void>((resolve) => {
      leaving.connection.once('errorMessage', () => resolve());
      leaving.connection.parse({ name: '', text: 'SELECT 1 / $1::int', types: [] }, false);
      leaving.connection.bind({ values: ['0'] }, false);
      leaving.connection.execute({}, false);
      leaving.connection.flush();
    });
    leaving.connection.stream.destroy();

    const answer = await staying.query<{ n: number }>({ text: 'SELECT $1::int AS n', values: [7] });
    expect(answer.rows).toEqual([{ n: 7 }]);
    await staying.end();
  }, 30_000);

  it('rolls back the transaction of a connection that leaves in the middle of its cycle', async () => {
    const [leaving, staying] = await Promise.all([connectTo(db!), connectTo(db!)]);
    await staying.query('CREATE TABLE notes (body text)');
    await leaving.query('BEGIN');
    await new Promise<void>((resolve) => {
      leaving.connection.once('commandComplete', () => resolve());
      leaving.connection.parse({ name: '', text: 'INSERT INTO notes VALUES ($1)', types: [] }, false);
      leaving.connection.bind({ values: ['left behind'] }, false);
      leaving.connection.execute({}, false);
      leaving.connection.flush();
    });
    const counted = staying.query<{ n: string }>('SELECT count(*) AS n FROM notes'); // waits for the transaction
    leaving.connection.stream.destroy();

    expect((await counted).rows).toEqual([{ n: '0' }]);
    await staying.query('BEGIN');
    await staying.query('COMMIT');
    await staying.end();
  }, 30_000);
});
