import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Runs the built server (`node dist/main.js`, as `npm start` does) with exactly `env` plus PATH,
 * in a temporary working directory so no `.env` is read. `npm test` builds dist/ first.
 */
export function startServerProcess(env: Record<string, string>, cwd: string): ServerProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
  let out = '';
  let err = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  // 'close', not 'exit': it comes once stdout and stderr have ended, so every line the process wrote is captured.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}


/** A server process that has logged its "listening on" line, and the URL it serves. */
export interface ListeningServer extends ServerProcess {
  readonly url: string;
  readonly port: number;
}

/**
 * Starts the built server on a free loopback port (`env` may not set PORT) and resolves once it listens.
 * Rejects with its stderr if it exits first or does not listen within `timeoutMs`; stop it with `stopServer`.
 *
 * @example
 * const server = await startListeningServer({ DB_URL: TEST_DB_URL, API_KEY_PRIMARY: key }, cwd);
 * await fetch(`${server.url}/health/live`);
 * await stopServer(server);
 */
export async function startListeningServer(env: Record<string, string>, cwd: string, timeoutMs = 30_000): Promise<ListeningServer> {
  const port = await freePort();
  const server = startServerProcess({ ...env, HOST: '127.0.0.1', PORT: String(port) }, cwd);
  try {
    await waitFor(
      () => {
        if (server.child.exitCode !== null) throw new Error(`the server exited with ${server.child.exitCode}:\n${server.stderr()}`);
        return server.stdout().includes('listening on');
      },
      timeoutMs,
      'the server to listen',
    );
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return { ...server, url: `http://127.0.0.1:${port}`, port };
}

/** Kills the process (SIGKILL) unless it has already exited, and waits for its exit. */
export async function stopServer(server: ServerProcess | undefined): Promise<void> {
  if (!server) return;
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

/**
 * The exit code of a server expected to stop by itself (a boot failure), or `'running'` when it has not within
 * `timeoutMs`: then it is killed, so a regression that lets it boot fails the test instead of keeping jest alive.
 */
export async function exitCodeWithin(server: ServerProcess, timeoutMs = 20_000): Promise<number | null | 'running'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), timeoutMs)));
  const code = await Promise.race([server.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'running') await stopServer(server);
  return code;
}
