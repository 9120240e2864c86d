import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The port only names the socket file (`.s.PGSQL.<port>`, what libpq and node-postgres look for). */
export const EMBEDDED_SOCKET_PORT = 5432;
const SOCKET_FILE = `.s.PGSQL.${EMBEDDED_SOCKET_PORT}`;
/** sun_path holds 108 bytes on Linux (104 on macOS), with the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 103;
/** Inside the data directory: `<dataDir>/socket/.s.PGSQL.5432`. */
const SOCKET_DIR = 'socket';
/** When that path is too long: `<dataDir>/socket.pointer` holds the short directory used instead. */
const POINTER_FILE = 'socket.pointer';

/** Where the embedded database listens: `dir` for node-postgres' `host`, `path` for the server. */
export interface EmbeddedSocket {
  readonly dir: string;
  readonly path: string;
}

function socketIn(dir: string): EmbeddedSocket {
  return { dir, path: join(dir, SOCKET_FILE) };
}

const fits = (socket: EmbeddedSocket): boolean => Buffer.byteLength(socket.path) <= MAX_SOCKET_PATH_BYTES;

/** The short private directory for a data directory whose own socket path would be too long. */
function fallbackFor(dataDir: string): EmbeddedSocket {
  const user = process.getuid?.() ?? 'user';
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const name = `mcp-pglite-${user}-${id}`;
  const preferred = socketIn(join(tmpdir(), name));
  return fits(preferred) ? preferred : socketIn(join('/tmp', name));
}

/**
 * Creates `dir` as a directory only this user can enter (0700 at creation, so the socket is never
 * reachable by others, not even for an instant), or checks that an existing one is ours and makes it 0700.
 */
function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new Error(`${dir} is not a directory owned by this user; remove it so the embedded database can use it`);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * The owner of a data directory prepares its socket: `<dataDir>/socket/` (0700), or, when that path
 * would not fit in a socket address, a 0700 directory under the OS temp dir named after the data
 * directory, recorded in `<dataDir>/socket.pointer` so that other processes find it.
 */
export function prepareEmbeddedSocket(dataDir: string): EmbeddedSocket {
  const inside = socketIn(join(dataDir, SOCKET_DIR));
  const pointer = join(dataDir, POINTER_FILE);
  if (fits(inside)) {
    ensurePrivateDir(inside.dir);
    rmSync(pointer, { force: true });
    return inside;
  }
  const short = fallbackFor(dataDir);
  ensurePrivateDir(short.dir);
  writeFileSync(pointer, `${short.dir}\n`, { mode: 0o600 });
  return short;
}

/** Where another process listens for this data directory (its pointer file, else the default place). */
export function locateEmbeddedSocket(dataDir: string): EmbeddedSocket {
  try {
    const dir = readFileSync(join(dataDir, POINTER_FILE), 'utf8').trim();
    if (isAbsolute(dir)) return socketIn(dir);
  } catch {
    // no pointer: the socket is inside the data directory
  }
  return socketIn(join(dataDir, SOCKET_DIR));
}

/**
 * node-postgres connection string for the socket (PGlite accepts any user and serves `postgres`). The
 * `host` parameter overrides the nominal `localhost`, which keeps the string a valid URL (settings such as
 * RAG_DB_URL accept it).
 */
export function socketUrl(socket: EmbeddedSocket): string {
  return `postgres://postgres@localhost:${EMBEDDED_SOCKET_PORT}/postgres?host=${encodeURIComponent(socket.dir)}`;
}
