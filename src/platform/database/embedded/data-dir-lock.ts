import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** The holder refreshes the lock file's mtime this often... */
const HEARTBEAT_MS = 5_000;
/** ...so a lock untouched for this long belongs to a process that is gone (or hung), wherever it ran. */
const STALE_AFTER_MS = 30_000;
/** A takeover (remove a stale lock, write ours) takes microseconds; a mutex this old was left by a crash. */
const TAKEOVER_STALE_AFTER_MS = 10_000;

interface LockRecord {
  readonly pid: number;
  readonly hostname: string;
  readonly acquiredAt: string;
}

/** The data directory is open in another live process (which serves it on its socket). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: { readonly pid?: number; readonly hostname?: string },
    lockPath: string,
  ) {
    super(
      `${dataDir} is in use by process ${holder.pid ?? '?'} on ${holder.hostname ?? '?'}; ` +
        `stop that process, or delete ${lockPath} if it is gone`,
    );
  }
}

/**
 * Keeps a second process (another server, a seed script) from opening a PGlite data directory that is
 * already open: PGlite itself takes no lock, and two instances on one directory corrupt it.
 *
 * The lock is the file `<dataDir>.lock` (beside the directory, out of PostgreSQL's own files), created
 * exclusively and touched every few seconds. A lock left behind is taken over when its process is gone
 * (same host) or its heartbeat stopped, by one process at a time (see replaceStale).
 */
export class DataDirLock {
  /** Data directories this process holds, so a second EmbeddedPostgres in-process is refused too. */
  private static readonly held = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    readonly dataDir: string,
    readonly path: string,
  ) {
    this.heartbeat = setInterval(() => this.touch(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Takes the lock of an absolute data directory path, or throws naming who holds it. */
  static acquire(dataDir: string): DataDirLock {
    const path = `${dataDir}.lock`;
    if (DataDirLock.held.has(dataDir)) throw new Error(`${dataDir} is already open in this process`);
    const record: LockRecord = { pid: process.pid, hostname: hostname(), acquiredAt: new Date().toISOString() };
    if (DataDirLock.create(path, record) || DataDirLock.replaceStale(path, record)) {
      DataDirLock.held.add(dataDir);
      return new DataDirLock(dataDir, path);
    }
    const holder = DataDirLock.readHolder(path);
    throw new DataDirInUseError(dataDir, { pid: holder.record?.pid, hostname: holder.record?.hostname }, path);
  }

  /** Creates the lock file if there is none (atomic: `wx`). */
  private static create(path: string, record: LockRecord): boolean {
    try {
      writeFileSync(path, JSON.stringify(record), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return false;
    }
  }

  /**
   * Replaces a lock whose holder is gone. Several processes may find the same stale lock at once (those
   * attached to an owner that died): only the one that creates `<lock>.takeover` (mkdir is atomic) may
   * remove a lock file, and it writes its own before it lets go, so no one removes a fresh lock.
   */
  private static replaceStale(path: string, record: LockRecord): boolean {
    const mutex = `${path}.takeover`;
    try {
      mkdirSync(mutex);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (DataDirLock.ageMs(mutex) > TAKEOVER_STALE_AFTER_MS) rmSync(mutex, { recursive: true, force: true });
      return false;
    }
    try {
      if (DataDirLock.readHolder(path).live) return false;
      rmSync(path, { force: true });
      return DataDirLock.create(path, record);
    } finally {
      rmSync(mutex, { recursive: true, force: true });
    }
  }

  private static ageMs(path: string): number {
    try {
      return Date.now() - statSync(path).mtimeMs;
    } catch {
      return 0;
    }
  }

  /** Whether a live process (this one included) holds the lock of an absolute data directory path. */
  static isHeld(dataDir: string): boolean {
    return DataDirLock.held.has(dataDir) || DataDirLock.readHolder(`${dataDir}.lock`).live;
  }

  release(): void {
    clearInterval(this.heartbeat);
    if (!DataDirLock.held.delete(this.dataDir)) return;
    rmSync(this.path, { force: true });
  }

  private touch(): void {
    const now = new Date();
    try {
      utimesSync(this.path, now, now);
    } catch {
      // Deleted by hand: nothing to refresh, and the data directory stays open in this process anyway.
    }
  }

  private static readHolder(path: string): { live: boolean; record?: LockRecord } {
    let ageMs: number;
    try {
      ageMs = Date.now() - statSync(path).mtimeMs;
    } catch {
      return { live: false }; // released meanwhile
    }
    let record: LockRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as LockRecord;
    } catch {
      return { live: ageMs <= STALE_AFTER_MS }; // being written by its new holder, or garbage
    }
    if (ageMs > STALE_AFTER_MS) return { live: false, record };
    if (record.hostname !== hostname()) return { live: true, record };
    // Same host: this process's own pid here means a previous run of it (e.g. PID 1 in a container).
    return { live: record.pid !== process.pid && isAlive(record.pid), record };
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
