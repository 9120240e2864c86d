import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type {
  EmbeddedPostgresWorkerData,
  HostToWorkerMessage,
  WorkerToHostMessage,
} from './embedded-postgres.messages';
import {
  EmbeddedActivity,
  EmbeddedPostgresExit,
  EmbeddedPostgresLogger,
  EmbeddedPostgresLogLevel,
  EmbeddedRestartReason,
} from './embedded-postgres.interface';

/** Delays between restarts of a worker that keeps dying: doubled from `initialMs` up to `maxMs`. */
export interface RestartBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A worker that served this long resets the delay to `initialMs`. */
  readonly stableAfterMs: number;
}

export interface EmbeddedWorkerHostOptions {
  /** Absolute path of the PGDATA directory. */
  readonly dataDir: string;
  /** Absolute path of the Unix socket, inside a directory only this user can enter. */
  readonly socketPath: string;
  readonly maxConnections: number;
  readonly sharedBuffersMb: number;
  readonly startTimeoutMs: number;
  readonly backoff: RestartBackoff;
  readonly log: EmbeddedPostgresLogger;
  /** Called when the worker thread dies unexpectedly, before it is restarted. */
  readonly onExit?: (exit: EmbeddedPostgresExit) => void;
  /** Called after each successful restart. */
  readonly onRestart?: (reason: EmbeddedRestartReason) => void;
}

interface RunningWorker {
  readonly worker: Worker;
  readonly exited: Promise<number>;
  readonly startedAt: number;
  /** Set before we stop or terminate it, so the exit is not reported as a crash. */
  expected: boolean;
}

type ReadyMessage = Extract<WorkerToHostMessage, { type: 'ready' }>;

const WORKER_FILE = 'embedded-postgres.worker';

/**
 * Runs the worker from TypeScript sources (ts-jest, where the compiler is installed as a dev
 * dependency): compiles the worker file in memory and evaluates it as CommonJS, and so the local
 * TypeScript files it imports (a relative specifier naming a `.ts` file); anything else is required from
 * the importing file's folder. From dist/ the compiled worker file is started directly instead.
 */
const TYPESCRIPT_WORKER_LOADER = `
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, resolve } = require('node:path');
const { runInThisContext } = require('node:vm');
const { workerData } = require('node:worker_threads');
const ts = createRequire(workerData.entry)('typescript');
const modules = new Map();
function load(filename) {
  const cached = modules.get(filename);
  if (cached) return cached.exports;
  const loaded = { exports: {} };
  modules.set(filename, loaded);
  const requireFromFile = createRequire(filename);
  const requireLocal = (specifier) => {
    const local = specifier.startsWith('.') ? resolve(dirname(filename), specifier + '.ts') : '';
    return local && existsSync(local) ? load(local) : requireFromFile(specifier);
  };
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  runInThisContext('(function (exports, require, module, __filename, __dirname) {' + outputText + '\\n})', {
    filename,
  })(loaded.exports, requireLocal, loaded, filename, dirname(filename));
  return loaded.exports;
}
load(workerData.entry);
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
 * The worker thread that runs PGlite on a data directory and serves it on a Unix socket: starts it,
 * restarts it on request (terminating whatever it runs) or by itself when it dies (with backoff, so a
 * crash loop cannot spin), stops it. The data directory's lock is the caller's business.
 */
export class EmbeddedWorkerHost {
  private current?: RunningWorker;
  private restarting?: Promise<void>;
  private stopping?: Promise<void>;
  private recovery?: NodeJS.Timeout;
  /** Consecutive crashes without a stable worker in between: the exponent of the backoff. */
  private crashes = 0;
  /** Shared with the worker: since when (epoch ms) the session has been busy, 0 when idle. */
  private readonly busySince = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));

  private constructor(private readonly options: EmbeddedWorkerHostOptions) {}

  /** Resolves once the worker listens on the socket; rejects (with the worker gone) if it cannot start. */
  static async start(options: EmbeddedWorkerHostOptions): Promise<EmbeddedWorkerHost> {
    const host = new EmbeddedWorkerHost(options);
    await host.launch();
    return host;
  }

  /** True while a worker thread serves the database. */
  get running(): boolean {
    return this.current !== undefined;
  }

  activity(): EmbeddedActivity {
    const since = Number(Atomics.load(this.busySince, 0));
    if (!this.current) return { running: false };
    return since === 0 ? { running: true } : { running: true, busyMs: Math.max(0, Date.now() - since) };
  }

  /**
   * Terminates the worker (whatever it is running) and opens the data directory in a new one on the
   * same socket. Connections of the old worker are cut. Concurrent calls share one restart.
   */
  restart(reason: EmbeddedRestartReason = 'requested'): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('embedded PostgreSQL is stopped'));
    clearTimeout(this.recovery);
    this.recovery = undefined;
    if (!this.restarting) {
      this.restarting = this.relaunch(reason).finally(() => (this.restarting = undefined));
      // A worker that could not be started is retried with backoff, whoever asked for the restart.
      this.restarting.catch((error: unknown) => {
        this.log('error', 'embedded PostgreSQL did not restart', { reason: (error as Error).message });
        this.scheduleRecovery();
      });
    }
    return this.restarting;
  }

  /**
   * Closes the database cleanly (shutdown checkpoint) and ends the worker; terminates it if it does not
   * answer within `timeoutMs` (e.g. busy with a runaway query).
   */
  stop(timeoutMs: number): Promise<void> {
    clearTimeout(this.recovery);
    this.stopping ??= this.shutDown(timeoutMs);
    return this.stopping;
  }

  private async relaunch(reason: EmbeddedRestartReason): Promise<void> {
    const started = performance.now();
    const running = this.current;
    if (running) {
      running.expected = true;
      this.current = undefined;
      await running.worker.terminate(); // a busy thread never reads a polite `stop`
    }
    await this.launch();
    this.log('info', 'embedded PostgreSQL restarted', { reason, ms: Math.round(performance.now() - started) });
    this.options.onRestart?.(reason);
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    await this.restarting?.catch(() => undefined);
    const running = this.current;
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
    this.log('info', 'embedded PostgreSQL stopped', { dataDir: this.options.dataDir });
  }

  /** Starts a worker and resolves when it listens; on failure the worker is gone. */
  private async launch(): Promise<void> {
    const started = performance.now();
    Atomics.store(this.busySince, 0, 0n);
    const worker = createWorker({
      dataDir: this.options.dataDir,
      socketPath: this.options.socketPath,
      maxConnections: this.options.maxConnections,
      sharedBuffersMb: this.options.sharedBuffersMb,
      busySince: this.busySince.buffer as SharedArrayBuffer,
    });
    const running: RunningWorker = {
      worker,
      exited: new Promise((done) => worker.once('exit', done)),
      startedAt: Date.now(),
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
    this.current = running;
    void running.exited.then((code) => this.onWorkerExit(running, code, crash));
    const what = ready.initialized ? 'initialised a new data directory' : 'opened its data directory';
    this.log('info', `embedded PostgreSQL ${what}`, {
      dataDir: this.options.dataDir,
      socket: this.options.socketPath,
      ms: Math.round(performance.now() - started),
    });
  }

  private waitForReady(running: RunningWorker, crash: () => Error | undefined): Promise<ReadyMessage> {
    const timeoutMs = this.options.startTimeoutMs;
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
    if (Date.now() - running.startedAt >= this.options.backoff.stableAfterMs) this.crashes = 0;
    this.log('error', 'embedded PostgreSQL worker died', { code, reason: error?.message });
    this.options.onExit?.({ code, error });
    this.scheduleRecovery();
  }

  /** Restarts a dead worker after a delay that doubles with each consecutive failure. */
  private scheduleRecovery(): void {
    if (this.stopping || this.restarting) return;
    const { initialMs, maxMs } = this.options.backoff;
    const delayMs = Math.min(maxMs, initialMs * 2 ** Math.min(this.crashes, 30));
    this.crashes++;
    this.log('warn', 'restarting embedded PostgreSQL after its worker died', { in_ms: delayMs, attempt: this.crashes });
    this.recovery = setTimeout(() => {
      this.recovery = undefined;
      this.restart('crash').catch(() => undefined); // logged and rescheduled by restart()
    }, delayMs);
    this.recovery.unref();
  }

  private log(level: EmbeddedPostgresLogLevel, message: string, fields?: Record<string, unknown>): void {
    this.options.log(level, message, fields);
  }
}
