import { mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApiKey } from '../factories/api-key.factory';
import { ListeningServer, startListeningServer, stopServer } from '../support/server-process';
import { TEST_DB_URL } from '../support/test-database';

const HEADERS_TIMEOUT_S = 1;
const REQUEST_TIMEOUT_S = 2;
/** Node enforces both timeouts on a periodic check; main.ts runs it every second. */
const CHECK_INTERVAL_S = 1;

interface Dribbler {
  /** Resolves when the server has closed the connection: what it answered and after how long. */
  readonly closed: Promise<{ readonly answer: string; readonly afterMs: number }>;
  isOpen(): boolean;
  destroy(): void;
}

/** Opens a connection, sends `head` at once, then one byte of `drip` every 100 ms until the server hangs up. */
function dribble(port: number, head: string, drip: string): Dribbler {
  const socket: Socket = connect(port, '127.0.0.1');
  const start = performance.now();
  let answer = '';
  let open = true;
  let next = 0;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => {
    if (socket.writable) socket.write(drip[next++ % drip.length]);
  }, 100);
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.once('close', () => {
      open = false;
      clearInterval(timer);
      resolve({ answer, afterMs: performance.now() - start });
    }),
  );
  return { closed, isOpen: () => open, destroy: () => socket.destroy() };
}

describe('slow clients (node dist/main.js with short HTTP timeouts)', () => {
  const key = createApiKey();
  let cwd: string;
  let server: ListeningServer | undefined;
  const dribblers: Dribbler[] = [];

  /** 20 sequential /health/live requests, each timed; all while the slow clients hold their connections. */
  async function normalRequests(): Promise<{ statuses: number[]; slowestMs: number }> {
    const statuses: number[] = [];
    let slowestMs = 0;
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      const res = await fetch(`${(server as ListeningServer).url}/health/live`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      statuses.push(res.status);
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
    return { statuses, slowestMs };
  }

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'mcp-slow-client-'));
    server = await startListeningServer(
      {
        DB_URL: TEST_DB_URL,
        API_KEY_PRIMARY: key,
        HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_S),
        HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_S),
      },
      cwd,
    );
  }, 30_000);

  afterEach(() => {
    for (const dribbler of dribblers.splice(0)) dribbler.destroy();
  });

  afterAll(async () => {
    await stopServer(server);
    rmSync(cwd, { recursive: true, force: true });
  }, 10_000);

  it.each([
    ['their headers', HEADERS_TIMEOUT_S, 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: aaaaaaaa\r\n'],
    [
      'a body',
      REQUEST_TIMEOUT_S,
      'POST /v1/tools/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${key}\r\nContent-Length: 1000\r\n\r\n{"text":"`,
      'a',
    ],
  ])('answers 408 and disconnects clients dribbling %s, while serving others promptly', async (_, timeoutS, head, drip) => {
    const { port } = server as ListeningServer;
    for (let i = 0; i < 10; i += 1) dribblers.push(dribble(port, head, drip));

    const { statuses, slowestMs } = await normalRequests();
    expect(statuses).toEqual(Array<number>(20).fill(200));
    expect(slowestMs).toBeLessThan(500);
    expect(dribblers.every((dribbler) => dribbler.isOpen())).toBe(true);

    for (const { answer, afterMs } of await Promise.all(dribblers.map((dribbler) => dribbler.closed))) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(afterMs).toBeGreaterThan(timeoutS * 1000 - 100);
      expect(afterMs).toBeLessThan((timeoutS + CHECK_INTERVAL_S) * 1000 + 500);
    }
  }, 10_000);
});
