import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/platform/database/embedded/embedded-postgres';
import {
  EmbeddedPostgresExit,
  EmbeddedPostgresLogLevel,
  EmbeddedRestartReason,
} from '../../src/platform/database/embedded/embedded-postgres.interface';
import { waitFor } from '../support/wait';

interface LogLine {
  readonly level: EmbeddedPostgresLogLevel;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

async function connectTo(db: EmbeddedPostgres): Promise<Client> {
  const client = new Client({ connectionString: db.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // a restart cuts the connection; the pending query reports it
  await client.connect();
  return client;
}

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Inodes of the TCP sockets this process listens on (Linux), from /proc/net/tcp{,6} and /proc/self/fd. */
function listeningTcpInodes(): string[] {
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A') listening.add(fields[9]); // state LISTEN; field 9 is the inode
    }
  }
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      } catch {
        return undefined;
      }
    })
    .filter((inode): inode is string => inode !== undefined && listening.has(inode));
}

/** Threads of this process (Linux); a worker thread is one of them. */
function threadCount(): number | undefined {
  return existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : undefined;
}

describe('EmbeddedPostgres (PGlite in a worker thread, on an owner-only Unix socket)', () => {
  const root = mkdtempSync(join(tmpdir(), 'embedded-postgres-'));
  const dataDir = join(root, 'nested', 'pglite');
  const logs: LogLine[] = [];
  const exits: EmbeddedPostgresExit[] = [];
  const restarts: EmbeddedRestartReason[] = [];
  let db: EmbeddedPostgres | undefined;
  let client: Client | undefined;
  let threadsBefore: number | undefined;

  const start = (): Promise<EmbeddedPostgres> =>
    EmbeddedPostgres.start({
      dataDir,
      log: (level, message, fields) => logs.push({ level, message, fields }),
      onExit: (exit) => exits.push(exit),
      onRestart: (reason) => restarts.push(reason),
      restartBackoff: { initialMs: 200 },
      sharedBuffersMb: 8,
    });

  beforeAll(async () => {
    await stat(root); // starts libuv's thread pool, so only the worker changes the count below
    threadsBefore = threadCount();
    db = await start();
    client = await connectTo(db);
  }, 90_000);

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await db?.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(`${dataDir}.lock`, { force: true });
  }, 30_000);

  it('creates the data directory and serves PostgreSQL 18 to node-postgres (extended protocol)', async () => {
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(db?.url).toBe(`postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(join(dataDir, 'socket'))}`);
    expect(logs.some((line) => line.message.includes('initialised a new data directory'))).toBe(true);
    if (threadsBefore !== undefined) expect(threadCount()).toBeGreaterThan(threadsBefore);

    const result = await client!.query<{ version: string; answer: number }>({
      text: 'SELECT version() AS version, $1::int + 1 AS answer',
      values: [41],
    });
    expect(result.rows[0].version).toMatch(/^PostgreSQL 18\./);
    expect(result.rows[0].answer).toBe(42);
  });

  it('runs with the shared_buffers it was given (its pages are RSS once touched)', async () => {
    const shown = await client!.query<{ shared_buffers: string }>('SHOW shared_buffers');
    expect(shown.rows[0].shared_buffers).toBe('8MB');
  });

  it('listens only on a Unix socket in an owner-only directory: no TCP port, no access for other users', () => {
    const socketDir = join(dataDir, 'socket');
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    const socket = statSync(join(socketDir, '.s.PGSQL.5432'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    if (existsSync('/proc/net/tcp')) expect(listeningTcpInodes()).toEqual([]);
  });

  it('creates a table, inserts and reads back', async () => {
    await client!.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
    await client!.query({ text: 'INSERT INTO notes (body) VALUES ($1), ($2)', values: ['first', 'second'] });
    const result = await client!.query<{ body: string }>({
      name: 'notes-by-id',
      text: 'SELECT body FROM notes WHERE id >= $1 ORDER BY id',
      values: [1],
    });
    expect(result.rows.map((row) => row.body)).toEqual(['first', 'second']);
  });

  it('has pgvector: CREATE EXTENSION vector and a cosine-distance query', async () => {
    await client!.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client!.query('CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))');
    await client!.query({
      text: 'INSERT INTO items VALUES (1, $1), (2, $2), (3, $3)',
      values: ['[1,0,0]', '[0,1,0]', '[0.9,0.1,0]'],
    });
    const result = await client!.query<{ id: number; distance: number }>({
      text: 'SELECT id, embedding <=> $1 AS distance FROM items ORDER BY distance LIMIT 2',
      values: ['[1,0,0]'],
    });
    expect(result.rows.map((row) => row.id)).toEqual([1, 3]);
    expect(result.rows[0].distance).toBeCloseTo(0, 6);
  });

  it('shares ONE session among connections: SET leaks to the next connection, SET LOCAL does not', async () => {
    const first = await connectTo(db!);
    await first.query("SET application_name = 'leaked'");
    await first.query('BEGIN');
    await first.query("SET LOCAL search_path = 'nowhere'");
    await first.query('COMMIT');
    await first.end();

    const second = await connectTo(db!);
    const settings = await second.query<{ app: string; path: string }>(
      "SELECT current_setting('application_name') AS app, current_setting('search_path') AS path",
    );
    expect(settings.rows[0]).toEqual({ app: 'leaked', path: 'public' });
    await second.query('RESET application_name');
    await second.end();
  });

  it('serves concurrent connections on the one session: parameterized queries of each get their own answers', async () => {
    const [first, second] = await Promise.all([connectTo(db!), connectTo(db!)]);
    const run = async <T>(query: (i: number) => Promise<T>): Promise<T[]> => {
      const answers: T[] = [];
      for (let i = 0; i < 150; i++) answers.push(await query(i));
      return answers;
    };
    const [a, b] = await Promise.all([
      run((i) => first.query<{ a: number }>({ text: 'SELECT $1::int AS a', values: [i] }).then((r) => r.rows[0])),
      run((i) => second.query<{ b: string; c: number }>({ text: 'SELECT $1::text AS b, 2 AS c', values: [`t${i}`] }).then((r) => r.rows[0])),
    ]);
    expect(a).toEqual(Array.from({ length: 150 }, (_, i) => ({ a: i })));
    expect(b).toEqual(Array.from({ length: 150 }, (_, i) => ({ b: `t${i}`, c: 2 })));
    await Promise.all([first.end(), second.end()]);
  });

  it('lets a pool replace a connection while the old one is still closing', async () => {
    const closing: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const next = await connectTo(db!);
      expect((await next.query<{ i: number }>({ text: 'SELECT $1::int AS i', values: [i] })).rows[0].i).toBe(i);
      closing.push(next.end()); // not awaited before the next connect, as a pool recycling its connection
    }
    await Promise.all(closing);
  });

  it('keeps the event loop responsive during a runaway query, and restart() recovers with the data intact', async () => {
    await client!.query({ text: 'INSERT INTO notes (body) VALUES ($1)', values: ['committed before the runaway'] });
    const runaway = client!.query('SELECT pg_sleep(30)').then(
      () => 'finished',
      (error: Error) => error.message,
    );

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    clearInterval(ticker);
    expect(ticks).toBeGreaterThanOrEqual(50); // ~100 expected: the main thread never waited on the query

    // PGlite ignores statement_timeout and cancel requests: the thread is still busy, so restart it.
    const started = performance.now();
    await db!.restart();
    const restartMs = performance.now() - started;
    expect(restartMs).toBeLessThan(5_000);
    expect(await runaway).toMatch(/terminated|ECONNRESET/i);
    expect(exits).toEqual([]); // an asked-for restart is not a crash

    await client!.end().catch(() => undefined);
    client = await connectTo(db!);
    const result = await client.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
    expect(result.rows.map((row) => row.body)).toEqual(['first', 'second', 'committed before the runaway']);
    expect((await client.query<{ n: string }>('SELECT count(*) AS n FROM items')).rows[0].n).toBe('3');
  }, 20_000);

  it('restarts a worker that dies unexpectedly by itself, reports it through onExit and onRestart', async () => {
    // Simulates a crash: nothing in EmbeddedPostgres asked this worker to end.
    const host = Reflect.get(db!, 'host') as object;
    const worker = (Reflect.get(host, 'current') as { worker: Worker }).worker;
    await worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));

    expect(db!.running).toBe(false);
    expect(db!.activity()).toEqual({ running: false });
    expect(exits).toHaveLength(1);
    expect(logs.some((line) => line.level === 'error' && line.message.includes('worker died'))).toBe(true);

    await waitFor(() => db!.running, 10_000, 'the worker to be restarted');
    expect(restarts).toEqual(['requested', 'crash']); // the runaway test's restart(), then this one
    await client!.end().catch(() => undefined);
    client = await connectTo(db!);
    expect((await client.query<{ n: string }>('SELECT count(*) AS n FROM notes')).rows[0].n).toBe('3');
    exits.length = 0;
  }, 20_000);

  it('shows how long the single session has been held, while the worker is blocked in a query', async () => {
    await waitFor(() => db!.activity().busyMs === undefined, 2_000, 'the session to be idle');
    const busy = client!.query('SELECT pg_sleep(3)');
    await waitFor(() => (db!.activity().busyMs ?? 0) >= 500, 2_500, 'the session to be held for 500 ms');
    expect(db!.activity().running).toBe(true);
    await busy;
    // The answer reaches the client before the worker has written its files and marked the session idle.
    await waitFor(() => db!.activity().busyMs === undefined, 2_000, 'the session to be idle again');
  });

  it('refuses a second instance on the same data directory while one runs', async () => {
    await expect(EmbeddedPostgres.start({ dataDir })).rejects.toThrow(/already open in this process/);
  });

  it('stop() ends the worker, closes the port and releases the directory; a new start sees the data', async () => {
    const socketPath = join(dataDir, 'socket', '.s.PGSQL.5432');
    await client!.end();
    client = undefined;
    await db!.stop();

    expect(db!.running).toBe(false);
    expect(await socketAccepts(socketPath)).toBe(false);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    expect(exits).toEqual([]);
    if (threadsBefore !== undefined) expect(threadCount()).toBeLessThanOrEqual(threadsBefore);
    await expect(db!.restart()).rejects.toThrow(/stopped/);

    const reopenStarted = performance.now();
    db = await start();
    const reopenMs = performance.now() - reopenStarted;
    expect(logs.some((line) => line.message.includes('opened its data directory'))).toBe(true);
    expect(reopenMs).toBeLessThan(15_000);

    client = await connectTo(db);
    const result = await client.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
    expect(result.rows).toHaveLength(3);
    const nearest = await client.query<{ id: number }>({
      text: 'SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 1',
      values: ['[0,1,0]'],
    });
    expect(nearest.rows[0].id).toBe(2);
  }, 30_000);
});
