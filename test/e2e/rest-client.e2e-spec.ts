import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import { ToolFailedException, ToolRetryException } from '../../src/platform/errors/tool.exception';
import { RestToolsModule } from '../../src/tools/rest/rest.module';
import { UpstreamClient } from '../../src/tools/rest/upstream.client';
import { encodePathSegment } from '../../src/tools/rest/upstream-path';
import { UpstreamRequest } from '../../src/tools/rest/upstream-request.interface';
import { FakeUpstream, FAKE_CUSTOMERS } from '../support/fake-upstream';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { CallResult, errorOf } from '../support/tool-results';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Timings and counts below assume these settings. */
const ENV = {
  API_TIMEOUT_SECONDS: '0.3',
  API_BACKOFF_FACTOR: '0.05',
  API_MAX_RETRIES: '2',
  API_DEADLINE_SECONDS: '2',
  API_CIRCUIT_FAILURE_THRESHOLD: '1000',
  API_AUTH_HEADER: 'X-Api-Key',
  API_AUTH_TOKEN: 'upstream-credential-123',
};

describe('REST upstream client (against a real local HTTP upstream)', () => {
  let fake: FakeUpstream;
  let kit: McpTestKit;
  let client: UpstreamClient;

  const getCustomer = (customerId: unknown, signal?: AbortSignal): Promise<CallResult> =>
    kit.client.callTool({ name: 'get_customer', arguments: { customer_id: customerId } }, undefined, signal ? { signal } : undefined);
  const request = (overrides: Partial<UpstreamRequest> = {}): Promise<unknown> =>
    client.request({ method: 'GET', path: '/customers/1', signal: new AbortController().signal, requestId: 'req-1', tool: 'test', ...overrides });

  beforeAll(async () => {
    fake = await FakeUpstream.start({ prefix: '/api' });
    kit = await createMcpTestKit({ imports: [RestToolsModule], env: { ...ENV, API_BASE_URL: `${fake.url}/api` } });
    client = kit.app.get(UpstreamClient);
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await kit?.close();
    await fake?.close();
  });

  it('answers the customer, keeping the declared fields only', async () => {
    const result = await getCustomer(1);
    expect(result.isError).toBeFalsy();
    const { tier: _tier, ...declared } = FAKE_CUSTOMERS[0];
    expect(result.structuredContent).toEqual(declared);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/customers/1']);
  });

  it('retries 500, 500 and succeeds on the third attempt, waiting longer each time', async () => {
    fake.failTimes('/api/customers/2', 2, 500);
    const result = await getCustomer(2);
    expect(result.structuredContent).toMatchObject({ id: 2, name: 'Alan Turing' });
    const attempts = fake.requestsTo('/api/customers/2');
    expect(attempts).toHaveLength(3);
    const gaps = [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at];
    // 0.05 s, then 0.1 s, each plus up to 25 % jitter.
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    const metrics = await register.metrics();
    const upstream = new URL(fake.url).host;
    expect(metrics).toMatch(new RegExp(`upstream_requests_total\\{upstream="${upstream}",method="GET",status="500"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`upstream_retries_total\\{upstream="${upstream}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`upstream_circuit_state\\{upstream="${upstream}"\\} 0`));
  });

  it('answers retry after the last failed attempt, without the upstream body', async () => {
    fake.always('/api/customers/1', { kind: 'status', status: 502 });
    const body = errorOf(await getCustomer(1));
    expect(body).toMatchObject({ status: 'retry', error: 'The upstream API is unavailable; try again shortly' });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(fake.requests).toHaveLength(3);
  });

  it('answers 404 as not_found after one request, never showing the upstream body', async () => {
    const body = errorOf(await getCustomer(7));
    expect(body).toMatchObject({ status: 'not_found', error: 'Customer 7 not found' });
    expect(JSON.stringify(body)).not.toContain('internal detail');
    expect(fake.requests).toHaveLength(1);
  });

  it('does not retry a 400: one request, answered as error', async () => {
    fake.always('/api/customers/1', { kind: 'status', status: 400 });
    expect(errorOf(await getCustomer(1))).toMatchObject({ status: 'error', error: 'Internal server error' });
    expect(fake.requests).toHaveLength(1);
  });

  it('honours Retry-After on 503 before retrying', async () => {
    fake.script('/api/customers/1', { kind: 'status', status: 503, headers: { 'Retry-After': '1' } });
    const started = performance.now();
    expect((await getCustomer(1)).isError).toBeFalsy();
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    const [first, second] = fake.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(990);
  });

  it('retries 429 too', async () => {
    fake.script('/api/customers/1', { kind: 'status', status: 429 });
    expect((await getCustomer(1)).isError).toBeFalsy();
    expect(fake.requests).toHaveLength(2);
  });

  it('does not wait for a Retry-After past its cap (or the deadline): answers retry with the upstream value', async () => {
    fake.always('/api/customers/1', { kind: 'status', status: 503, headers: { 'Retry-After': '120' } });
    const started = performance.now();
    const error = await request().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolRetryException);
    expect((error as ToolRetryException).retryAfterSeconds).toBe(120);
    expect(performance.now() - started).toBeLessThan(500);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a hanging upstream per attempt and answers retry within the deadline', async () => {
    fake.always('/api/customers/1', { kind: 'hang' });
    const started = performance.now();
    expect(errorOf(await getCustomer(1))).toMatchObject({ status: 'retry', error: 'The upstream API did not answer in time' });
    const elapsed = performance.now() - started;
    // Three attempts of 0.3 s plus 0.05 s and 0.1 s of backoff, well inside the 2 s deadline.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2000);
    expect(fake.requests).toHaveLength(3);
    await fake.until(() => fake.requests.every((r) => r.aborted));
  });

  it('stops the upstream request when the MCP client cancels, and does not retry', async () => {
    fake.always('/api/customers/1', { kind: 'hang' });
    const controller = new AbortController();
    const call = getCustomer(1, controller.signal);
    await fake.until(() => fake.requests.length === 1);
    controller.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await fake.until(() => fake.requests[0].aborted, 1000);
    await sleep(400);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries after the upstream resets the connection', async () => {
    fake.script('/api/customers/1', { kind: 'reset' });
    expect((await getCustomer(1)).structuredContent).toMatchObject({ id: 1 });
    expect(fake.requests).toHaveLength(2);
  });

  it('stops reading a 20 MB body at API_MAX_RESPONSE_BYTES and answers error, then serves the next call', async () => {
    fake.always('/api/customers/1', { kind: 'huge', bytes: 20 * 1024 * 1024 });
    expect(errorOf(await getCustomer(1))).toMatchObject({ status: 'error' });
    await fake.until(() => fake.requests[0].aborted);
    expect(fake.requests).toHaveLength(1);
    // The fake stopped writing when the client hung up after API_MAX_RESPONSE_BYTES (plus socket buffers).
    expect(fake.requests[0].bytesWritten).toBeLessThan(15 * 1024 * 1024);
    expect(kit.logs.text).toContain('body larger than 5242880 bytes');
    fake.reset();
    expect((await getCustomer(2)).isError).toBeFalsy();
  });

  it('does not follow a redirect to another host', async () => {
    const other = await FakeUpstream.start();
    try {
      fake.always('/api/customers/1', { kind: 'redirect', location: `${other.url}/steal` });
      expect(errorOf(await getCustomer(1))).toMatchObject({ status: 'error', error: 'Internal server error' });
      expect(fake.requests).toHaveLength(1);
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('sends X-Request-ID, Accept and the configured upstream credential, and nothing of the caller', async () => {
    const result = await getCustomer(7);
    const { request_id: requestId } = errorOf(result);
    const [{ headers }] = fake.requests;
    expect(headers['x-request-id']).toBe(requestId);
    expect(headers.accept).toBe('application/json');
    expect(headers['x-api-key']).toBe('upstream-credential-123');
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
  });

  it('lets a tool add headers but never override the credential, routing or the request id', async () => {
    await request({
      headers: { 'X-Trace': 'yes', 'X-Api-Key': 'from-tool', Authorization: 'Bearer caller', Host: 'evil.test', 'X-Request-ID': 'forged' },
    });
    const [{ headers }] = fake.requests;
    expect(headers).toMatchObject({ 'x-trace': 'yes', 'x-api-key': 'upstream-credential-123', 'x-request-id': 'req-1' });
    expect(headers.host).toBe(new URL(fake.url).host);
    expect(headers.authorization).toBeUndefined();
  });

  it.each([[0], [-1], [1.5], ['1'], ['../admin'], ['%2e%2e'], ['@evil'], [null]])(
    'refuses customer_id %j by validation, without an upstream request',
    async (customerId) => {
      expect(errorOf(await getCustomer(customerId))).toMatchObject({ status: 'invalid', issues: expect.arrayContaining([expect.objectContaining({ field: 'customer_id' })]) });
      expect(fake.requests).toEqual([]);
    },
  );

  it.each(['../admin', '%2e%2e', '@evil', 'http://evil', '//host', '..%2F..%2Fhealth'])(
    'sends the encoded segment %j as one segment under the base path on the same host',
    async (value) => {
      const answer = (await request({ path: `/customers/${encodePathSegment(value)}` })) as { status: number };
      expect(answer.status).toBe(404);
      expect(fake.requests).toHaveLength(1);
      const [{ url, headers }] = fake.requests;
      expect(headers.host).toBe(new URL(fake.url).host);
      expect(url.split('/')).toHaveLength(4);
      expect(url.startsWith('/api/customers/')).toBe(true);
      expect(decodeURIComponent(url.slice('/api/customers/'.length))).toBe(value);
    },
  );

  it.each(['/../admin', '/customers/%2e%2e/%2e%2e/admin', '//evil.test/x', 'http://evil.test/x', '/customers/1?x=1', 'customers/1', '/customers/\\..\\x'])(
    'refuses the crafted path %j before sending anything',
    async (path) => {
      await expect(request({ path })).rejects.toBeInstanceOf(ToolFailedException);
      expect(fake.requests).toEqual([]);
    },
  );

  it('does not retry a POST unless the tool opts in', async () => {
    fake.always('/api/customers', { kind: 'status', status: 503 });
    await expect(request({ method: 'POST', path: '/customers', body: { name: 'x' } })).rejects.toBeInstanceOf(ToolRetryException);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].headers['content-type']).toBe('application/json');
    fake.reset();
    fake.always('/api/customers', { kind: 'status', status: 503 });
    await expect(request({ method: 'POST', path: '/customers', body: { name: 'x' }, retryUnsafe: true })).rejects.toBeInstanceOf(ToolRetryException);
    expect(fake.requests).toHaveLength(3);
  });

  it('reuses one kept-alive connection for sequential calls', async () => {
    for (const id of [1, 2, 42, 1, 2]) expect((await getCustomer(id)).isError).toBeFalsy();
    expect(new Set(fake.requests.map((r) => r.remotePort)).size).toBe(1);
  });

  it('never logs the upstream credential or an upstream body', () => {
    expect(kit.logs.text).not.toContain('upstream-credential-123');
    expect(kit.logs.text).not.toContain('secret detail');
    expect(kit.logs.text).not.toContain('internal detail');
  });

  it('sends query parameters, arrays repeated', async () => {
    await request({ path: '/customers', query: { q: 'a b&c', tag: ['x', 'y'], limit: 5 } });
    expect(fake.requests[0].url).toBe('/api/customers?q=a+b%26c&tag=x&tag=y&limit=5');
  });
});

describe('REST upstream connection pool', () => {
  let fake: FakeUpstream;
  let kit: McpTestKit;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    kit = await createMcpTestKit({ imports: [RestToolsModule], env: { API_BASE_URL: fake.url, API_MAX_CONNECTIONS: '2' } });
  });
  afterAll(async () => {
    await kit?.close();
    await fake?.close();
  });

  it('opens at most API_MAX_CONNECTIONS sockets, queueing the other calls', async () => {
    fake.always('/customers/1', { kind: 'json', body: FAKE_CUSTOMERS[0], delayMs: 100 });
    const calls = Array.from({ length: 6 }, () => kit.client.callTool({ name: 'get_customer', arguments: { customer_id: 1 } }));
    await fake.until(() => fake.requests.length === 2);
    await sleep(50);
    expect(fake.requests).toHaveLength(2);
    for (const result of await Promise.all(calls)) expect(result.isError).toBeFalsy();
    expect(fake.requests).toHaveLength(6);
    expect(new Set(fake.requests.map((r) => r.remotePort)).size).toBe(2);
  });
});

describe('REST upstream client deadline', () => {
  let fake: FakeUpstream;
  let kit: McpTestKit;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    kit = await createMcpTestKit({
      imports: [RestToolsModule],
      env: { API_BASE_URL: fake.url, API_TIMEOUT_SECONDS: '10', API_DEADLINE_SECONDS: '0.5', API_MAX_RETRIES: '3' },
    });
  });
  afterAll(async () => {
    await kit?.close();
    await fake?.close();
  });

  it('ends a call at API_DEADLINE_SECONDS even when one attempt may take longer, and aborts it upstream', async () => {
    fake.always('/customers/1', { kind: 'hang' });
    const started = performance.now();
    const result = await kit.client.callTool({ name: 'get_customer', arguments: { customer_id: 1 } });
    const elapsed = performance.now() - started;
    expect(errorOf(result)).toMatchObject({ status: 'retry', error: 'The upstream API did not answer in time' });
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1500);
    expect(fake.requests).toHaveLength(1);
    await fake.until(() => fake.requests[0].aborted, 1000);
  });
});

describe('REST upstream circuit breaker', () => {
  let fake: FakeUpstream;
  let kit: McpTestKit;
  const call = (id = 1): Promise<CallResult> => kit.client.callTool({ name: 'get_customer', arguments: { customer_id: id } });
  const gauge = async (): Promise<string | undefined> =>
    new RegExp(`upstream_circuit_state\\{upstream="${new URL(fake.url).host}"\\} (\\d)`).exec(await register.metrics())?.[1];

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    kit = await createMcpTestKit({
      imports: [RestToolsModule],
      env: {
        API_BASE_URL: fake.url,
        API_MAX_RETRIES: '0',
        API_CIRCUIT_FAILURE_THRESHOLD: '2',
        API_CIRCUIT_RESET_SECONDS: '0.5',
        API_TIMEOUT_SECONDS: '0.3',
      },
    });
  });
  afterAll(async () => {
    await kit?.close();
    await fake?.close();
  });

  it('opens after consecutive failures, answers retry at once without calling, and closes after a good probe', async () => {
    fake.always('*', { kind: 'status', status: 500 });
    expect(errorOf(await call())).toMatchObject({ status: 'retry' });
    expect(errorOf(await call())).toMatchObject({ status: 'retry' });
    expect(fake.requests).toHaveLength(2);
    expect(await gauge()).toBe('2');

    const started = performance.now();
    expect(errorOf(await call())).toMatchObject({ status: 'retry', error: 'Upstream API unavailable (circuit open)' });
    expect(performance.now() - started).toBeLessThan(100);
    expect(fake.requests).toHaveLength(2);

    fake.reset();
    await sleep(550);
    expect((await call(42)).structuredContent).toMatchObject({ id: 42 });
    expect(fake.requests).toHaveLength(1);
    expect(await gauge()).toBe('0');
    expect((await call(2)).isError).toBeFalsy();
  });

  it('reopens when the half-open probe fails; a 404 is not a failure', async () => {
    fake.reset();
    for (let i = 0; i < 5; i += 1) await call(999);
    expect(await gauge()).toBe('0');
    fake.always('*', { kind: 'reset' });
    await call();
    await call();
    expect(fake.requests).toHaveLength(7);
    await sleep(550);
    expect(errorOf(await call())).toMatchObject({ status: 'retry', error: 'The upstream API could not be reached' });
    expect(fake.requests).toHaveLength(8);
    expect(errorOf(await call())).toMatchObject({ error: 'Upstream API unavailable (circuit open)' });
    expect(fake.requests).toHaveLength(8);
    expect(await gauge()).toBe('2');
  });
});
