/* istanbul ignore file -- runs in a worker thread, where jest's coverage cannot see; the e2e spec drives it */
/**
 * Worker-thread entry of EmbeddedPostgres: PGlite (PostgreSQL 18 compiled to WASM, pgvector loaded) on a
 * data directory, served over the PostgreSQL wire protocol on a Unix socket. PGlite runs each query
 * synchronously inside WASM, so a long query blocks this thread only, never the server's event loop.
 *
 * When running from TypeScript sources, EmbeddedWorkerHost compiles this file and the local files it
 * imports in memory (see embedded-worker-host.ts).
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type {
  EmbeddedPostgresWorkerData,
  HostToWorkerMessage,
  WorkerToHostMessage,
} from './embedded-postgres.messages';
import { SessionQueue } from './session-queue';

const IDLE_CHECK_MS = 500;

/**
 * Keeps `busySince` (shared memory) current around the socket server's calls into PGlite: set when a
 * protocol message starts, cleared once no message runs and no transaction is open (checked after each
 * message, and every half second for a transaction the socket server rolled back for a client that left).
 * The host reads it while this thread is blocked in WASM and can answer nothing.
 */
function trackBusy(db: PGlite, busySince: BigInt64Array): NodeJS.Timeout {
  let inFlight = 0;
  const exec = db.execProtocolRawStream.bind(db);
  const settle = (): void => {
    if (inFlight === 0 && !db.isInTransaction()) Atomics.store(busySince, 0, 0n);
  };
  db.execProtocolRawStream = async (message, options) => {
    if (Atomics.load(busySince, 0) === 0n) Atomics.store(busySince, 0, BigInt(Date.now()));
    inFlight++;
    try {
      return await exec(message, options);
    } finally {
      inFlight--;
      settle();
    }
  };
  return setInterval(settle, IDLE_CHECK_MS).unref();
}

async function serve(host: MessagePort, options: EmbeddedPostgresWorkerData): Promise<void> {
  const send = (message: WorkerToHostMessage): void => host.postMessage(message);
  const initialized = !existsSync(join(options.dataDir, 'PG_VERSION'));
  const db = await PGlite.create(options.dataDir, {
    extensions: { vector },
    postgresqlconf: [`shared_buffers = ${options.sharedBuffersMb}MB`],
    onStderr: (line) => {
      send({ type: 'log', line });
      return true;
    },
  });
  const busyTimer = trackBusy(db, new BigInt64Array(options.busySince));
  // A socket file left by a process that died: the data directory's lock is ours, so nobody serves it.
  rmSync(options.socketPath, { force: true });
  const server = new PGLiteSocketServer({ db, path: options.socketPath, maxConnections: options.maxConnections });
  // Its own queue lets the extended-protocol messages of several connections interleave on the one
  // session; connection handlers take the queue from the server when a connection arrives.
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
  server.addEventListener('error', (event) => {
    const detail: unknown = (event as Event & { detail?: unknown }).detail;
    const reason = detail instanceof Error ? detail.message : String(detail);
    send({ type: 'log', line: `WARNING:  socket server: ${reason}` });
  });
  try {
    await server.start();
    chmodSync(options.socketPath, 0o600); // its directory is already owner-only; this is a second lock
  } catch (error) {
    clearInterval(busyTimer);
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }

  host.on('message', (message: HostToWorkerMessage) => {
    if (message.type !== 'stop') return;
    // Detaching a client rolls back its open transaction; closing PGlite then writes a shutdown checkpoint.
    void server
      .stop()
      .then(() => {
        clearInterval(busyTimer); // it asks PGlite whether a transaction is open: not once it is closed
        return db.close();
      })
      .catch((error: unknown) => send({ type: 'log', line: `WARNING:  close: ${String(error)}` }))
      .finally(() => {
        rmSync(options.socketPath, { force: true });
        send({ type: 'stopped' });
        host.close();
      });
  });

  send({ type: 'ready', initialized });
}

if (!parentPort) throw new Error('embedded-postgres.worker must run in a worker thread');
const host = parentPort;
serve(host, workerData as EmbeddedPostgresWorkerData).catch((error: unknown) => {
  const failure = error instanceof Error ? error : new Error(String(error));
  host.postMessage({
    type: 'failed',
    message: failure.message,
    code: (failure as NodeJS.ErrnoException).code,
  } satisfies WorkerToHostMessage);
  host.close();
});
