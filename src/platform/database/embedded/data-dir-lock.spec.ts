import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, DataDirLock } from './data-dir-lock';

const NO_SUCH_PID = 2 ** 31 - 2;

describe('DataDirLock', () => {
  const root = mkdtempSync(join(tmpdir(), 'data-dir-lock-'));
  const dataDir = join(root, 'pglite');
  const lockPath = `${dataDir}.lock`;
  const writeHolder = (holder: { pid: number; hostname: string }, ageMs = 0): void => {
    writeFileSync(lockPath, JSON.stringify({ ...holder, acquiredAt: new Date().toISOString() }));
    const when = new Date(Date.now() - ageMs);
    utimesSync(lockPath, when, when);
  };

  afterEach(() => rmSync(lockPath, { force: true }));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates <dataDir>.lock naming this process, refuses a second holder in-process, and releases', () => {
    const lock = DataDirLock.acquire(dataDir);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(() => DataDirLock.acquire(dataDir)).toThrow(/already open in this process/);
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
    DataDirLock.acquire(dataDir).release();
  });

  it('lets only one process replace a stale lock: while another holds <lock>.takeover, it is "in use"', () => {
    writeHolder({ pid: NO_SUCH_PID, hostname: hostname() });
    mkdirSync(`${lockPath}.takeover`);
    expect(DataDirLock.isHeld(dataDir)).toBe(false);
    expect(() => DataDirLock.acquire(dataDir)).toThrow(DataDirInUseError);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: NO_SUCH_PID }); // not removed

    const old = new Date(Date.now() - 60_000);
    utimesSync(`${lockPath}.takeover`, old, old); // left by a process that died mid-takeover: cleared
    expect(() => DataDirLock.acquire(dataDir)).toThrow(DataDirInUseError);
    const lock = DataDirLock.acquire(dataDir);
    expect(DataDirLock.isHeld(dataDir)).toBe(true);
    expect(existsSync(`${lockPath}.takeover`)).toBe(false);
    lock.release();
  });

  it('refuses a directory held by a live process on this host', () => {
    writeHolder({ pid: process.ppid, hostname: hostname() });
    expect(() => DataDirLock.acquire(dataDir)).toThrow(`in use by process ${process.ppid}`);
  });

  it('refuses a fresh lock from another host, and one still being written', () => {
    writeHolder({ pid: 1, hostname: 'elsewhere' });
    expect(() => DataDirLock.acquire(dataDir)).toThrow(/in use by process 1 on elsewhere/);
    writeFileSync(lockPath, '');
    expect(() => DataDirLock.acquire(dataDir)).toThrow(/in use/);
  });

  it.each([
    ['whose process is gone', { pid: NO_SUCH_PID, hostname: hostname() }, 0],
    ['left by an earlier run under this same pid', { pid: process.pid, hostname: hostname() }, 0],
    ['whose heartbeat stopped (another host)', { pid: 1, hostname: 'elsewhere' }, 60_000],
    ['whose heartbeat stopped (pid reused here)', { pid: process.ppid, hostname: hostname() }, 60_000],
  ])('takes over a lock %s', (_case, holder, ageMs) => {
    writeHolder(holder, ageMs);
    const lock = DataDirLock.acquire(dataDir);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });
});
