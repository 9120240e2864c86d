import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApiKey } from '../factories/api-key.factory';
import { FAKE_CUSTOMERS, FakeUpstream } from '../support/fake-upstream';
import { ListeningServer, startListeningServer, stopServer } from '../support/server-process';
import { waitFor } from '../support/wait';
import { TEST_DB_URL } from '../support/test-database';
import { resultOf } from '../support/tool-results';

const GRACE = FAKE_CUSTOMERS[2];
const ALAN = FAKE_CUSTOMERS[1];

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** performance.now() when the last byte arrived. */
  readonly at: number;
}

/** One POST over a keep-alive connection, as an agent's HTTP client sends it. */
function post(server: ListeningServer, path: string, key: string, payload: unknown, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${key}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'MCP-Protocol-Version': '2025-11-25',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, at: performance.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(payload));
  });
}

/** `tools/call` of get_customer over /mcp (answered as an SSE stream whose headers go out at once). */
function callOverMcp(server: ListeningServer, key: string, customerId: number, agent: Agent): Promise<Answer> {
  const params = { name: 'get_customer', arguments: { customer_id: customerId } };
  return post(server, '/mcp', key, { jsonrpc: '2.0', id: customerId, method: 'tools/call', params }, agent);
}

function customerOf(answer: Answer): unknown {
  const data = /^data: (.*)$/m.exec(answer.body)?.[1] ?? answer.body;
  return resultOf((JSON.parse(data) as { result: unknown }).result);
}

/** Resolves true once a new connection to the server is refused. */
async function refused(server: ListeningServer): Promise<boolean> {
  try {
    await fetch(`${server.url}/health/live`, { signal: AbortSignal.timeout(500) });
    return false;
  } catch {
    return true;
  }
}

describe('SIGTERM with tool calls in flight (node dist/main.js)', () => {
  const key = createApiKey();
  let fake: FakeUpstream;
  let cwd: string;
  let generous: ListeningServer | undefined;
  let strict: ListeningServer | undefined;
  const agent = new Agent({ keepAlive: true });

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    fake.always(`/customers/${GRACE.id}`, { kind: 'json', body: GRACE, delayMs: 1500 });
    fake.always(`/customers/${ALAN.id}`, { kind: 'hang' });
    cwd = mkdtempSync(join(tmpdir(), 'mcp-drain-'));
    const env = { DB_URL: TEST_DB_URL, API_KEY_PRIMARY: key, API_BASE_URL: fake.url, API_MAX_RETRIES: '0' };
    const started = await Promise.allSettled([
      startListeningServer({ ...env, SHUTDOWN_TIMEOUT_SECONDS: '10' }, cwd),
      startListeningServer({ ...env, SHUTDOWN_TIMEOUT_SECONDS: '1' }, cwd),
    ]);
    [generous, strict] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  }, 45_000);

  afterAll(async () => {
    agent.destroy();
    await Promise.all([stopServer(generous), stopServer(strict)]);
    await fake.close();
    rmSync(cwd, { recursive: true, force: true });
  }, 10_000);

  it('refuses new connections at once, finishes the 4 calls in flight with full answers, then exits 0', async () => {
    const server = generous as ListeningServer;
    const calls = [1, 2, 3].map(() => callOverMcp(server, key, GRACE.id, agent));
    const viaRest = post(server, '/v1/tools/get_customer', key, { customer_id: GRACE.id }, agent);
    await fake.until(() => fake.requestsTo(`/customers/${GRACE.id}`).length === 4, 5000);

    const sigtermAt = performance.now();
    const exit = server.exited.then((code) => ({ code, at: performance.now() }));
    server.child.kill('SIGTERM');
    await waitFor(() => refused(server), 1000, 'new connections to be refused');
    const refusedAt = performance.now();

    const [answers, restAnswer] = await Promise.all([Promise.all(calls), viaRest]);
    const { code, at: exitedAt } = await exit;
    expect(code).toBe(0);
    expect(refusedAt - sigtermAt).toBeLessThan(1000);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(customerOf(answer)).toEqual(GRACE);
    }
    // A JSON answer not yet started when the drain began tells the client to close its connection.
    expect(restAnswer.status).toBe(200);
    expect(JSON.parse(restAnswer.body)).toEqual(GRACE);
    expect(restAnswer.headers.connection).toBe('close');
    for (const answer of [...answers, restAnswer]) {
      expect(answer.at).toBeGreaterThan(refusedAt);
      expect(answer.at).toBeLessThan(exitedAt);
    }
    expect(server.stdout()).toContain('SIGTERM received: draining in-flight requests (deadline 10s; 4 HTTP requests in flight)');
    expect(server.stdout()).toMatch(/HTTP requests drained in \d+ ms/);
    expect(server.stdout()).toContain('shutdown complete');
    expect(server.stdout()).not.toContain('drain deadline reached');
  }, 15_000);

  it('exits 0 at SHUTDOWN_TIMEOUT_SECONDS when a call outlasts it (the upstream never answers)', async () => {
    const server = strict as ListeningServer;
    const call = callOverMcp(server, key, ALAN.id, agent).then(
      () => 'answered',
      () => 'cut',
    );
    await fake.until(() => fake.requestsTo(`/customers/${ALAN.id}`).length === 1, 5000);

    const sigtermAt = performance.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const took = performance.now() - sigtermAt;
    expect(code).toBe(0);
    expect(took).toBeGreaterThan(900);
    expect(took).toBeLessThan(4000);
    expect(await call).toBe('cut');
    expect(server.stdout()).toContain('drain deadline reached');
  }, 15_000);
});
