import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDirLock } from './data-dir-lock';
import {
  EmbeddedActivity,
  EmbeddedPostgresExit,
  EmbeddedPostgresLogger,
  EmbeddedRestartReason,
} from './embedded-postgres.interface';
import { EmbeddedSocket, prepareEmbeddedSocket, socketUrl } from './embedded-socket';
import { EmbeddedWorkerHost, RestartBackoff } from './embedded-worker-host';

export interface EmbeddedPostgresOptions {
  /** PGDATA directory, created if missing (the server passes DB_DATA_DIR). */
  readonly dataDir: string;
  /**
   * Connections accepted at once (default 4). PGlite has ONE session: the socket server multiplexes
   * connections onto it message by message and gives an open transaction exclusive use, but session state (SET, named prepared statements, temp tables) is shared by
   * every connection. Use a pool of size 1; the spare slots let a pool open a replacement connection
   * while the old one is still closing (with 1, that connection is dropped) and let a short-lived
   * second client through.
   */
  readonly maxConnections?: number;
  /** Deadline for the worker to be listening (default 60 s; the first start runs initdb). */
  readonly startTimeoutMs?: number;
  /** Delays between restarts of a worker that keeps dying (default 1 s doubling to 30 s; stable after 60 s). */
  readonly restartBackoff?: Partial<RestartBackoff>;
  readonly log?: EmbeddedPostgresLogger;
  /** Called when the worker thread dies unexpectedly (not on stop/restart); it is then restarted by itself. */
  readonly onExit?: (exit: EmbeddedPostgresExit) => void;
  /** Called after each restart, with why it happened. */
  readonly onRestart?: (reason: EmbeddedRestartReason) => void;
}

const DEFAULT_MAX_CONNECTIONS = 4;
const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 30_000, stableAfterMs: 60_000 };

/**
 * PostgreSQL 18 in-process (PGlite, WASM) for a first run with no infrastructure, served on a Unix
 * socket in an owner-only directory (`<dataDir>/socket/`) so that `pg` and TypeORM reach it exactly as
 * they reach a real server, and no other local user can. The database runs in a worker thread: a
 * runaway query blocks that thread, not the event loop. PGlite ignores statement_timeout and cancel
 * requests, so the cure for a runaway query is `restart()`: the thread is terminated and a new one opens
 * the same data directory. A worker that dies on its own is restarted the same way, with backoff.
 * Committed data survives both: PGlite writes the WAL through to the files at every commit and replays
 * it on open (without fsync, so a power loss can still cost the last commits).
 *
 * @example
 * const db = await EmbeddedPostgres.start({ dataDir: './data/pglite', log: (level, msg) => logger[level](msg) });
 * const client = new Client({ connectionString: db.url });
 * // ... later
 * await db.stop();
 */
export class EmbeddedPostgres {
  private stopping?: Promise<void>;

  private constructor(
    /** Absolute path of the data directory. */
    readonly dataDir: string,
    /** Where it listens: `socket.dir` is node-postgres' `host`. */
    readonly socket: EmbeddedSocket,
    private readonly host: EmbeddedWorkerHost,
    private readonly lock: DataDirLock,
  ) {}

  /** Creates the data directory if needed, takes its lock and resolves once the server listens. */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const lock = DataDirLock.acquire(dataDir);
    try {
      const socket = prepareEmbeddedSocket(dataDir);
      const host = await EmbeddedWorkerHost.start({
        dataDir,
        socketPath: socket.path,
        maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
        startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        backoff: { ...DEFAULT_BACKOFF, ...options.restartBackoff },
        log: options.log ?? (() => undefined),
        onExit: options.onExit,
        onRestart: options.onRestart,
      });
      return new EmbeddedPostgres(dataDir, socket, host, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Connection string; PGlite accepts any user, password and database name and always serves `postgres`. */
  get url(): string {
    return socketUrl(this.socket);
  }

  /** True while a worker thread serves the database. */
  get running(): boolean {
    return this.host.running;
  }

  /** Liveness and how long the single session has been held, without queueing behind what holds it. */
  activity(): EmbeddedActivity {
    return this.host.activity();
  }

  /**
   * Terminates the worker (whatever it is running) and opens the data directory in a new one on the
   * same socket. Connections of the old worker are cut. Concurrent calls share one restart.
   */
  restart(reason: EmbeddedRestartReason = 'requested'): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('embedded PostgreSQL is stopped'));
    return this.host.restart(reason);
  }

  /**
   * Closes the database cleanly (shutdown checkpoint) and ends the worker; terminates it if it does not
   * answer within `timeoutMs` (e.g. busy with a runaway query). Releases the data directory.
   */
  stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    this.stopping ??= this.host.stop(timeoutMs).finally(() => this.lock.release());
    return this.stopping;
  }
}
