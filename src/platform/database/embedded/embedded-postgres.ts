import { mkdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { DataDirLock } from './data-dir-lock';
import type {
  EmbeddedPostgresWorkerData,
  HostToWorkerMessage,
  WorkerToHostMessage,
} from './embedded-postgres.messages';

export type EmbeddedPostgresLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives everything EmbeddedPostgres has to say; map it onto the application logger. */
export type EmbeddedPostgresLogger = (
  level: EmbeddedPostgresLogLevel,
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Why the worker thread ended when nobody asked it to. */
export interface EmbeddedPostgresExit {
  readonly code: number;
  readonly error?: Error;
}

export interface EmbeddedPostgresOptions {
  /** PGDATA directory, created if missing (the server passes DB_DATA_DIR). */
  readonly dataDir: string;
  /** Loopback port; 0 (default) lets the system choose. A restart keeps the port it got. */
  readonly port?: number;
  /**
   * Connections accepted at once (default 4). PGlite has ONE session: the socket server multiplexes
   * connections onto it message by message and gives an open transaction exclusive use, but session
   * state (SET, named prepared statements, temp tables) is shared by every connection. Use a pool of
   * size 1; the spare slots let a pool open a replacement connection while the old one is still
   * closing (with 1, that connection is dropped) and let a short-lived second client through.
   */
  readonly maxConnections?: number;
  /** Deadline for the worker to be listening (default 60 s; the first start runs initdb). */
  readonly startTimeoutMs?: number;
  readonly log?: EmbeddedPostgresLogger;
  /** Called when the worker thread dies unexpectedly (not on stop/restart). `restart()` brings it back. */
  readonly onExit?: (exit: EmbeddedPostgresExit) => void;
}

interface RunningWorker {
  readonly worker: Worker;
  readonly exited: Promise<number>;
  /** Set before we stop or terminate it, so the exit is not reported as a crash. */
  expected: boolean;
}

type ReadyMessage = Extract<WorkerToHostMessage, { type: 'ready' }>;

const WORKER_FILE = 'embedded-postgres.worker';
const DEFAULT_MAX_CONNECTIONS = 4;
const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/**
 * Runs the worker from TypeScript sources (ts-jest, where the compiler is installed as a dev
 * dependency): compiles the one worker file in memory and evaluates it as CommonJS, resolving its
 * imports from its own folder. From dist/ the compiled worker file is started directly instead.
 */
const TYPESCRIPT_WORKER_LOADER = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { runInThisContext } = require('node:vm');
const { workerData } = require('node:worker_threads');
const filename = workerData.entry;
const requireFromEntry = createRequire(filename);
const ts = requireFromEntry('typescript');
const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
  fileName: filename,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
});
const loaded = { exports: {} };
runInThisContext('(function (exports, require, module, __filename, __dirname) {' + outputText + '\\n})', {
  filename,
})(loaded.exports, requireFromEntry, loaded, filename, dirname(filename));
`;

function createWorker(data: EmbeddedPostgresWorkerData): Worker {
  if (extname(__filename) === '.ts') {
    const entry = join(__dirname, `${WORKER_FILE}.ts`);
    return new Worker(TYPESCRIPT_WORKER_LOADER, { eval: true, workerData: { ...data, entry } });
  }
  return new Worker(join(__dirname, `${WORKER_FILE}.js`), { workerData: data });
}

/** PostgreSQL server-log severities that deserve more than debug in the application log. */
function levelOf(line: string): EmbeddedPostgresLogLevel {
  if (/\b(?:FATAL|PANIC):/.test(line)) return 'error';
  if (/\bWARNING:/.test(line)) return 'warn';
  return 'debug'; // LOG lines, and ERROR/STATEMENT lines of client queries (those reach the client anyway)
}

/**
 * PostgreSQL 18 in-process (PGlite, WASM) for a first run with no infrastructure, served on a loopback
 * port so `pg` and TypeORM reach it exactly as they reach a real server. The database runs in a worker
 * thread: a runaway query blocks that thread, not the event loop. PGlite ignores statement_timeout and
 * cancel requests, so the cure for a runaway query is `restart()`: the thread is terminated and a new
 * one opens the same data directory. Committed data survives it: PGlite writes the WAL through to the
 * files at every commit and replays it on open (without fsync, so a power loss can still cost the last
 * commits).
 *
 * @example
 * const db = await EmbeddedPostgres.start({ dataDir: './data/pglite', log: (level, msg) => logger[level](msg) });
 * const client = new Client({ connectionString: db.url });
 * // ... later
 * await db.stop();
 */
export class EmbeddedPostgres {
  private current?: RunningWorker;
  private port: number;
  private restarting?: Promise<void>;
  private stopping?: Promise<void>;

  private constructor(
    /** Absolute path of the data directory. */
    readonly dataDir: string,
    private readonly options: EmbeddedPostgresOptions,
    private readonly lock: DataDirLock,
  ) {
    this.port = options.port ?? 0;
  }

  /** Creates the data directory if needed, takes its lock and resolves once the server listens. */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const lock = DataDirLock.acquire(dataDir);
    const embedded = new EmbeddedPostgres(dataDir, options, lock);
    try {
      await embedded.launch(embedded.port);
    } catch (error) {
      lock.release();
      throw error;
    }
    return embedded;
  }

  /** Connection string; PGlite accepts any user, password and database name and always serves `postgres`. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres?sslmode=disable`;
  }

  /** True while a worker thread serves the database. */
  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Terminates the worker (whatever it is running) and opens the data directory in a new one on the
   * same port. Connections of the old worker are cut. Concurrent calls share one restart.
   */
  restart(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('embedded PostgreSQL is stopped'));
    this.restarting ??= this.relaunch().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  /**
   * Closes the database cleanly (shutdown checkpoint) and ends the worker; terminates it if it does not
   * answer within `timeoutMs` (e.g. busy with a runaway query). Releases the data directory.
   */
  stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    this.stopping ??= this.shutDown(timeoutMs);
    return this.stopping;
  }

  private async relaunch(): Promise<void> {
    const started = performance.now();
    const running = this.current;
    if (running) {
      running.expected = true;
      this.current = undefined;
      await running.worker.terminate(); // a busy thread never reads a polite `stop`
    }
    try {
      await this.launch(this.port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.port === 0) throw error;
      this.log('warn', 'embedded PostgreSQL port was taken meanwhile; listening on another', { port: this.port });
      await this.launch(0);
    }
    this.log('info', 'embedded PostgreSQL restarted', { ms: Math.round(performance.now() - started) });
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    await this.restarting?.catch(() => undefined);
    const running = this.current;
    try {
      if (!running) return;
      running.expected = true;
      this.current = undefined;
      running.worker.postMessage({ type: 'stop' } satisfies HostToWorkerMessage);
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        running.exited.then(() => true),
        new Promise<false>((done) => (timer = setTimeout(() => done(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!graceful) {
        this.log('warn', 'embedded PostgreSQL did not stop in time; terminating its worker', { timeoutMs });
        await running.worker.terminate();
      }
      this.log('info', 'embedded PostgreSQL stopped', { dataDir: this.dataDir });
    } finally {
      this.lock.release();
    }
  }

  /** Starts a worker on `port` and resolves when it listens; on failure the worker is gone. */
  private async launch(port: number): Promise<void> {
    const started = performance.now();
    const worker = createWorker({
      dataDir: this.dataDir,
      port,
      maxConnections: this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    });
    const running: RunningWorker = {
      worker,
      exited: new Promise((done) => worker.once('exit', done)),
      expected: false,
    };
    let crash: Error | undefined;
    worker.on('error', (error) => (crash = error));
    worker.on('message', (message: WorkerToHostMessage) => {
      if (message.type === 'log') this.log(levelOf(message.line), message.line.trim(), { source: 'postgres' });
    });

    let ready: ReadyMessage;
    try {
      ready = await this.waitForReady(running, () => crash);
    } catch (error) {
      running.expected = true;
      await worker.terminate();
      throw error;
    }
    this.port = ready.port;
    this.current = running;
    void running.exited.then((code) => this.onWorkerExit(running, code, crash));
    const what = ready.initialized ? 'initialised a new data directory' : 'opened its data directory';
    this.log('info', `embedded PostgreSQL ${what}`, {
      dataDir: this.dataDir,
      port: this.port,
      ms: Math.round(performance.now() - started),
    });
  }

  private waitForReady(running: RunningWorker, crash: () => Error | undefined): Promise<ReadyMessage> {
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    return new Promise<ReadyMessage>((resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`embedded PostgreSQL did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (): void => {
        clearTimeout(timer);
        running.worker.off('message', onMessage);
      };
      const onMessage = (message: WorkerToHostMessage): void => {
        if (message.type === 'ready') {
          settle();
          resolveReady(message);
        } else if (message.type === 'failed') {
          settle();
          const failure = new Error(`embedded PostgreSQL failed to start: ${message.message}`);
          reject(Object.assign(failure, { code: message.code }));
        }
      };
      running.worker.on('message', onMessage);
      void running.exited.then((code) => {
        settle();
        reject(crash() ?? new Error(`embedded PostgreSQL worker exited with code ${code} while starting`));
      });
    });
  }

  private onWorkerExit(running: RunningWorker, code: number, error: Error | undefined): void {
    if (running.expected) return;
    if (this.current === running) this.current = undefined;
    this.log('error', 'embedded PostgreSQL worker died', { code, reason: error?.message });
    this.options.onExit?.({ code, error });
  }

  private log(level: EmbeddedPostgresLogLevel, message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}
