/* istanbul ignore file -- runs in a worker thread, where jest's coverage cannot see; the e2e spec drives it */
/**
 * Worker-thread entry of EmbeddedPostgres: PGlite (PostgreSQL 18 compiled to WASM, pgvector loaded) on a
 * data directory, served over the PostgreSQL wire protocol on a loopback port. PGlite runs each query
 * synchronously inside WASM, so a long query blocks this thread only, never the server's event loop.
 *
 * Everything imported at run time comes from node or from packages: when running from TypeScript
 * sources, EmbeddedPostgres compiles this one file in memory (see embedded-postgres.ts).
 */
import { existsSync } from 'node:fs';
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

async function serve(host: MessagePort, options: EmbeddedPostgresWorkerData): Promise<void> {
  const send = (message: WorkerToHostMessage): void => host.postMessage(message);
  const initialized = !existsSync(join(options.dataDir, 'PG_VERSION'));
  const db = await PGlite.create(options.dataDir, {
    extensions: { vector },
    onStderr: (line) => {
      send({ type: 'log', line });
      return true;
    },
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port,
    maxConnections: options.maxConnections,
  });
  server.addEventListener('error', (event) => {
    const detail: unknown = (event as Event & { detail?: unknown }).detail;
    const reason = detail instanceof Error ? detail.message : String(detail);
    send({ type: 'log', line: `WARNING:  socket server: ${reason}` });
  });
  try {
    await server.start();
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }

  host.on('message', (message: HostToWorkerMessage) => {
    if (message.type !== 'stop') return;
    // Detaching a client rolls back its open transaction; closing PGlite then writes a shutdown checkpoint.
    void server
      .stop()
      .then(() => db.close())
      .catch((error: unknown) => send({ type: 'log', line: `WARNING:  close: ${String(error)}` }))
      .finally(() => {
        send({ type: 'stopped' });
        host.close();
      });
  });

  const address = server.getServerConn();
  send({ type: 'ready', port: Number(address.slice(address.lastIndexOf(':') + 1)), initialized });
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
