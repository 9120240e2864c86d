import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { DataDirInUseError, DataDirLock } from './data-dir-lock';
import {
  EmbeddedActivity,
  EmbeddedPostgresExit,
  EmbeddedPostgresLogger,
  EmbeddedRestartReason,
} from './embedded-postgres.interface';
import { EmbeddedSocket, locateEmbeddedSocket, prepareEmbeddedSocket, socketUrl } from './embedded-socket';
import { EmbeddedWorkerHost, RestartBackoff } from './embedded-worker-host';

export interface EmbeddedPostgresOptions {
  /** PGDATA directory, created if missing (the server passes DB_DATA_DIR). */
  readonly dataDir: string;
  /**
   * Connections accepted at once (default 16: every process on the data directory brings its own). PGlite
   * has ONE session: the socket server multiplexes connections onto it message by message and gives an
   * open transaction exclusive use, but session state (SET, named prepared statements, temp tables) is
   * shared by every connection. Each process uses a pool of size 1.
   */
  readonly maxConnections?: number;
  /** PostgreSQL's `shared_buffers` in MB (default 32; PostgreSQL's own default, 128, costs its RSS once touched). */
  readonly sharedBuffersMb?: number;
  /** Deadline for the worker to be listening, or for the owner's socket to answer (default 60 s; initdb). */
  readonly startTimeoutMs?: number;
  /** Delays between restarts of a worker that keeps dying (default 1 s doubling to 30 s; stable after 60 s). */
  readonly restartBackoff?: Partial<RestartBackoff>;
  /** false: refuse to start when another process owns the data directory (default true: attach to it). */
  readonly attach?: boolean;
  readonly log?: EmbeddedPostgresLogger;
  /** Called when the worker thread dies unexpectedly (not on stop/restart); it is then restarted by itself. */
  readonly onExit?: (exit: EmbeddedPostgresExit) => void;
  /** Called after each restart, with why it happened. */
  readonly onRestart?: (reason: EmbeddedRestartReason) => void;
}

/** `owner`: this process runs PGlite and serves the socket; `attached`: it uses another process's socket. */
export type EmbeddedRole = 'owner' | 'attached';

const DEFAULT_MAX_CONNECTIONS = 16;
const DEFAULT_SHARED_BUFFERS_MB = 32;
const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 30_000, stableAfterMs: 60_000 };
/** How often an attached process checks that the owner still holds the data directory. */
const OWNER_CHECK_MS = 500;
const SOCKET_POLL_MS = 200;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
}

/**
 * PostgreSQL 18 in-process (PGlite, WASM) for a first run with no infrastructure, served on a Unix
 * socket in an owner-only directory (`<dataDir>/socket/`) so that `pg` and TypeORM reach it exactly as
 * they reach a real server, and no other local user can.
 *
 * One process owns a data directory (its lock): it runs PGlite in a worker thread (a runaway query blocks
 * that thread, not the event loop) and serves the socket. A process started later on the same directory
 * (stdio next to HTTP, a second IDE) attaches to that socket instead, and sees the same data. When the
 * owner goes away, the first attached process to notice takes the lock over and serves the same socket
 * path; the others' connections fail until then (answered `retry`) and then reach the new owner. Nothing
 * acknowledged is lost: PGlite writes the WAL through to the files at every commit and replays it on open
 * (without fsync, so a power loss can still cost the last commits).
 *
 * PGlite ignores statement_timeout and cancel requests, so the cure for a runaway query is `restart()`:
 * the worker is terminated and a new one opens the same data directory. A worker that dies on its own is
 * restarted the same way, with backoff.
 *
 * @example
 * const db = await EmbeddedPostgres.start({ dataDir: './data/pglite', log: (level, msg) => logger[level](msg) });
 * const client = new Client({ connectionString: db.url });
 * // ... later
 * await db.stop();
 */
export class EmbeddedPostgres {
  private host?: EmbeddedWorkerHost;
  private lock?: DataDirLock;
  private socket: EmbeddedSocket;
  private monitor?: NodeJS.Timeout;
  private takingOver?: Promise<void>;
  private stopping?: Promise<void>;

  private constructor(
    /** Absolute path of the data directory. */
    readonly dataDir: string,
    private readonly options: EmbeddedPostgresOptions,
  ) {
    this.socket = locateEmbeddedSocket(dataDir);
  }

  /**
   * Creates the data directory if needed and owns it (takes its lock, starts PGlite, listens), or attaches
   * to the process that owns it. Resolves once the socket answers.
   */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const db = new EmbeddedPostgres(dataDir, options);
    await db.open();
    return db;
  }

  /** Connection string; PGlite accepts any user, password and database name and always serves `postgres`. */
  get url(): string {
    return socketUrl(this.socket);
  }

  get role(): EmbeddedRole {
    return this.host ? 'owner' : 'attached';
  }

  /** Where it listens: `socket.dir` is node-postgres' `host`. */
  get socketPath(): string {
    return this.socket.path;
  }

  /** True while the database is served: by this process's worker, or (attached) by the owner. */
  get running(): boolean {
    return this.host ? this.host.running : !this.stopping;
  }

  /**
   * Liveness and how long the single session has been held, without queueing behind what holds it. An
   * attached process cannot see the owner's worker: it reports running, and its health check pings.
   */
  activity(): EmbeddedActivity {
    return this.host ? this.host.activity() : { running: this.running };
  }

  /**
   * Owner: terminates the worker (whatever it is running) and opens the data directory in a new one on
   * the same socket; connections of the old worker are cut; concurrent calls share one restart. Attached:
   * nothing to restart here (the owner's worker is not ours); resolves at once.
   */
  async restart(reason: EmbeddedRestartReason = 'requested'): Promise<void> {
    if (this.stopping) throw new Error('embedded PostgreSQL is stopped');
    if (this.host) await this.host.restart(reason);
    else this.log('warn', 'a query outlived its deadline on an embedded database another process owns; only the owner can end it', { reason });
  }

  /**
   * Owner: closes the database cleanly (shutdown checkpoint) and ends the worker, terminating it if it does
   * not answer within `timeoutMs`; releases the data directory, which an attached process then takes over.
   */
  stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    clearInterval(this.monitor);
    this.stopping ??= (async () => {
      await this.takingOver?.catch(() => undefined);
      try {
        await this.host?.stop(timeoutMs);
      } finally {
        this.lock?.release();
      }
    })();
    return this.stopping;
  }

  /** Owns the data directory, or attaches to its owner; retries owning if the owner vanishes meanwhile. */
  private async open(): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    for (;;) {
      try {
        await this.own();
        return;
      } catch (error) {
        if (!(error instanceof DataDirInUseError) || this.options.attach === false) throw error;
      }
      if (await this.attach(deadline)) return;
    }
  }

  /** Takes the lock and starts serving; throws DataDirInUseError when a live process holds the lock. */
  private async own(): Promise<void> {
    const lock = DataDirLock.acquire(this.dataDir);
    try {
      const socket = prepareEmbeddedSocket(this.dataDir);
      this.host = await EmbeddedWorkerHost.start({
        dataDir: this.dataDir,
        socketPath: socket.path,
        maxConnections: this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
        sharedBuffersMb: this.options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB,
        startTimeoutMs: this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        backoff: { ...DEFAULT_BACKOFF, ...this.options.restartBackoff },
        log: (level, message, fields) => this.log(level, message, fields),
        onExit: this.options.onExit,
        onRestart: this.options.onRestart,
      });
      this.socket = socket;
      this.lock = lock;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Waits for the owner's socket to answer; false when the owner let go meanwhile (then try to own). */
  private async attach(deadline: number): Promise<boolean> {
    for (;;) {
      const socket = locateEmbeddedSocket(this.dataDir);
      if (await socketAccepts(socket.path)) {
        this.socket = socket;
        this.monitor = setInterval(() => this.checkOwner(), OWNER_CHECK_MS);
        this.monitor.unref();
        this.log('info', 'attached to the embedded database another process owns', { dataDir: this.dataDir, socket: socket.path });
        return true;
      }
      if (!DataDirLock.isHeld(this.dataDir)) return false;
      if (Date.now() > deadline) {
        throw new Error(`the process that owns ${this.dataDir} does not answer on ${socket.path}; stop it, or wait until it has started`);
      }
      await sleep(SOCKET_POLL_MS);
    }
  }

  /** Attached: when the owner has let go of the data directory (exited, killed), try to take it over. */
  private checkOwner(): void {
    if (this.takingOver || this.stopping || DataDirLock.isHeld(this.dataDir)) return;
    this.takingOver = this.own()
      .then(
        () => {
          clearInterval(this.monitor);
          this.log('warn', 'the process that owned the embedded database is gone; this process owns it now', { dataDir: this.dataDir });
        },
        (error: unknown) => {
          // Another attached process won the race (it serves the same socket path), or the start failed.
          if (!(error instanceof DataDirInUseError)) this.log('error', 'could not take over the embedded database', { reason: (error as Error).message });
        },
      )
      .finally(() => (this.takingOver = undefined));
  }

  private log(level: Parameters<EmbeddedPostgresLogger>[0], message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}
