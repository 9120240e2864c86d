import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioTransportV2 } from '@modelcontextprotocol/client/stdio';
import { createApiKey } from '../factories/api-key.factory';
import { FAKE_CUSTOMERS, FakeUpstream } from '../support/fake-upstream';
import { freePort } from '../support/free-port';
import { OtlpReceiver, ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { ListeningServer, startListeningServer, stopServer } from '../support/server-process';
import { TEST_DB_URL } from '../support/test-database';
import { waitFor } from '../support/wait';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');
const MODERN = '2026-07-28';
const GRACE = FAKE_CUSTOMERS[2];
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

/** A fresh W3C traceparent: `sampled` sets the flags to 01. */
function traceparent(sampled = true): { header: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { header: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`, traceId, spanId };
}

interface Answer {
  readonly status: number;
  readonly json: { result?: { isError?: boolean; structuredContent?: unknown }; error?: unknown };
}

/** One JSON-RPC request over /mcp with raw headers (so the test controls traceparent exactly). */
async function mcpPost(server: ListeningServer, key: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${key}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': '2025-11-25',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const data = /^data: (.*)$/m.exec(text)?.[1] ?? text;
  return { status: response.status, json: JSON.parse(data) as Answer['json'] };
}

function toolCall(name: string, args: unknown, meta?: Record<string, unknown>): unknown {
  return { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } };
}

const spansOf = (receiver: OtlpReceiver, traceId: string): ReceivedSpan[] => receiver.spans.filter((span) => span.traceId === traceId);
const childOf = (spans: ReceivedSpan[], parent: ReceivedSpan | undefined): ReceivedSpan[] => spans.filter((span) => span.parentSpanId === parent?.spanId);

/** Every span below `root` in the tree (children, grandchildren, …). */
function descendants(spans: ReceivedSpan[], root: ReceivedSpan): ReceivedSpan[] {
  const found: ReceivedSpan[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = childOf(spans, queue.shift());
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

describe('distributed tracing (node dist/main.js, a real OTLP/HTTP receiver)', () => {
  const key = createApiKey();
  let receiver: OtlpReceiver;
  let fake: FakeUpstream;
  let cwd: string;
  let traced: ListeningServer | undefined;
  const base = (): Record<string, string> => ({
    DB_URL: TEST_DB_URL,
    API_KEY_PRIMARY: key,
    API_BASE_URL: fake.url,
    API_MAX_RETRIES: '0',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    LOG_LEVEL: 'info',
  });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    fake = await FakeUpstream.start();
    fake.always(`/customers/${GRACE.id}`, { kind: 'json', body: GRACE });
    cwd = mkdtempSync(join(tmpdir(), 'mcp-tracing-'));
    traced = await startListeningServer({ ...base(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, TRACE_SAMPLING_RATE: '1' }, cwd);
  }, 60_000);

  afterAll(async () => {
    await stopServer(traced);
    await fake.close();
    await receiver.close();
    rmSync(cwd, { recursive: true, force: true });
  }, 15_000);

  it('exports the HTTP → MCP → tool → database tree of one get_top_customers call under the caller traceparent', async () => {
    const server = traced as ListeningServer;
    const parent = traceparent();
    const answer = await mcpPost(server, key, toolCall('get_top_customers', { limit: 3 }), { traceparent: parent.header });
    expect(answer.status).toBe(200);
    expect(answer.json.result?.isError).toBeFalsy();

    const tree = (): ReceivedSpan[] => spansOf(receiver, parent.traceId);
    await waitFor(() => tree().some((span) => span.kind === SERVER && span.parentSpanId === parent.spanId), 10_000, 'the HTTP span');
    const http = tree().find((span) => span.parentSpanId === parent.spanId) as ReceivedSpan;
    expect(http).toMatchObject({ name: 'POST /mcp', kind: SERVER, attributes: { 'http.route': '/mcp', 'http.response.status_code': 200 } });
    expect(http.resource['service.name']).toBe('mcp-tool-server');

    await waitFor(() => descendants(tree(), http).some((span) => span.scope.includes('instrumentation-pg')), 10_000, 'the database spans');
    const [mcp] = childOf(tree(), http);
    expect(mcp).toMatchObject({
      name: 'tools/call get_top_customers',
      kind: SERVER,
      attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get_top_customers', 'jsonrpc.request.id': '7', 'mcp.protocol.version': '2025-11-25' },
    });
    const [tool] = childOf(tree(), mcp);
    expect(tool).toMatchObject({
      name: 'execute_tool get_top_customers',
      attributes: { 'mcp_tool_server.tool.outcome': 'ok', 'mcp_tool_server.key_id': 'primary', 'mcp_tool_server.door': 'http' },
    });
    const database = descendants(tree(), tool).filter((span) => span.scope.includes('instrumentation-pg'));
    expect(database.length).toBeGreaterThan(0);
    expect(database.some((span) => span.kind === CLIENT && String(span.attributes['db.query.text'] ?? '').length > 0)).toBe(true);
    // Arguments are never recorded: no attribute of any span holds them.
    for (const span of tree()) expect(JSON.stringify(span.attributes)).not.toContain('"limit"');

    // Log lines written inside the call carry its trace id beside the request id.
    await waitFor(() => server.stdout().includes(parent.traceId), 5000, 'a log line with the trace id');
    const audit = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes(parent.traceId))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.audit === true);
    expect(audit).toMatchObject({ tool: 'get_top_customers', trace_id: parent.traceId, span_id: tool.spanId, outcome: 'ok' });
    expect(audit?.request_id).toEqual(expect.any(String));
  });

  it('records sql_query by a summary, never by the caller SQL text or its parameter values', async () => {
    const server = traced as ListeningServer;
    const parent = traceparent();
    const sql = "SELECT name FROM customers WHERE email = $1 AND name <> 'secret-literal'";
    const answer = await mcpPost(server, key, toolCall('sql_query', { sql, params: ['someone@example.com'] }), { traceparent: parent.header });
    expect(answer.json.result?.isError).toBeFalsy();
    await waitFor(() => spansOf(receiver, parent.traceId).some((span) => span.attributes['db.query.summary'] === 'SELECT sql_query'), 10_000, 'the summary');
    const text = JSON.stringify(spansOf(receiver, parent.traceId));
    expect(text).not.toContain('secret-literal');
    expect(text).not.toContain('someone@example.com');
  });

  it('sends the upstream a traceparent of the same trace, whose parent is the attempt span', async () => {
    const server = traced as ListeningServer;
    const parent = traceparent();
    const before = fake.requestsTo(`/customers/${GRACE.id}`).length;
    const answer = await mcpPost(server, key, toolCall('get_customer', { customer_id: GRACE.id }), { traceparent: parent.header });
    expect(answer.json.result?.isError).toBeFalsy();
    const received = fake.requestsTo(`/customers/${GRACE.id}`)[before];
    const sent = String(received.headers.traceparent);
    expect(sent).toMatch(new RegExp(`^00-${parent.traceId}-[0-9a-f]{16}-01$`));
    // Never the caller's own credential.
    expect(received.headers.authorization).toBeUndefined();

    const attemptId = sent.slice(36, 52);
    await waitFor(() => spansOf(receiver, parent.traceId).some((span) => span.spanId === attemptId), 10_000, 'the attempt span');
    const attempt = spansOf(receiver, parent.traceId).find((span) => span.spanId === attemptId);
    expect(attempt).toMatchObject({ kind: CLIENT, name: 'GET', attributes: { 'mcp_tool_server.circuit.state': 'closed', 'http.response.status_code': 200 } });
    const tool = spansOf(receiver, parent.traceId).find((span) => span.spanId === attempt?.parentSpanId);
    expect(tool?.name).toBe('execute_tool get_customer');
  });

  it('marks a failed tool call: outcome, status ERROR and the exception type, no message', async () => {
    const server = traced as ListeningServer;
    const parent = traceparent();
    const answer = await mcpPost(server, key, toolCall('get_customer', { customer_id: 'not-a-number' }), { traceparent: parent.header });
    expect(answer.json.result?.isError).toBe(true);
    await waitFor(() => spansOf(receiver, parent.traceId).some((span) => span.name === 'execute_tool get_customer'), 10_000, 'the tool span');
    const tool = spansOf(receiver, parent.traceId).find((span) => span.name === 'execute_tool get_customer');
    expect(tool).toMatchObject({ statusCode: ERROR, statusMessage: '', attributes: { 'mcp_tool_server.tool.outcome': 'invalid', 'error.type': 'InvalidArgumentsException' } });
    expect(JSON.stringify(tool)).not.toContain('not-a-number');
  });

  it('links the tool latency histogram to traces by exemplars on an OpenMetrics scrape, leaving the text format as it was', async () => {
    const server = traced as ListeningServer;
    const parent = traceparent();
    await mcpPost(server, key, toolCall('echo', { text: 'exemplar' }), { traceparent: parent.header });
    const scrape = (accept: string): Promise<Response> => fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${key}`, Accept: accept } });
    const open = await scrape('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(open.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const body = await open.text();
    expect(body).toMatch(new RegExp(`^mcp_tool_duration_seconds_bucket\\{le="[^"]+",tool="echo"\\} \\d+ # \\{trace_id="${parent.traceId}"\\}`, 'm'));
    expect(body.endsWith('# EOF\n')).toBe(true);
    const text = await (await scrape('text/plain')).text();
    expect(text).toContain('# TYPE mcp_tool_calls_total counter');
    expect(text).not.toContain('trace_id=');
  });

  it('takes the parent from _meta.traceparent of a 2026-07-28 request', async () => {
    const server = traced as ListeningServer;
    const parent = traceparent();
    const meta = {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientInfo': { name: 'tracing-e2e', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
      traceparent: parent.header,
    };
    const answer = await mcpPost(server, key, toolCall('echo', { text: 'traced' }, meta), {
      'MCP-Protocol-Version': MODERN,
      'Mcp-Method': 'tools/call',
      'Mcp-Name': 'echo',
    });
    expect(answer.status).toBe(200);
    await waitFor(() => spansOf(receiver, parent.traceId).some((span) => span.parentSpanId === parent.spanId), 10_000, 'the MCP span');
    const [mcp] = childOf(spansOf(receiver, parent.traceId), { spanId: parent.spanId } as ReceivedSpan);
    expect(mcp).toMatchObject({ name: 'tools/call echo', attributes: { 'mcp.protocol.version': MODERN } });
    // The HTTP span (its own trace, no traceparent header) is linked.
    expect(mcp.links).toHaveLength(1);
    await waitFor(() => childOf(spansOf(receiver, parent.traceId), mcp).length === 1, 10_000, 'the tool span');
  });

  it('takes the parent from _meta.traceparent over stdio', async () => {
    const parent = traceparent();
    const env = { ...base(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, PATH: process.env.PATH ?? '' };
    const transport = new StdioTransportV2({ command: process.execPath, args: [MAIN, '--stdio'], cwd, env, stderr: 'pipe' });
    const client = new ClientV2({ name: 'tracing-stdio', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'echo', arguments: { text: 'over stdio' }, _meta: { traceparent: parent.header } });
      expect(result.isError).toBeFalsy();
      await waitFor(() => spansOf(receiver, parent.traceId).length >= 2, 10_000, 'the stdio spans');
    } finally {
      await client.close();
    }
    const [mcp] = childOf(spansOf(receiver, parent.traceId), { spanId: parent.spanId } as ReceivedSpan);
    expect(mcp).toMatchObject({ name: 'tools/call echo', kind: SERVER, attributes: { 'network.transport': 'pipe' } });
    expect(childOf(spansOf(receiver, parent.traceId), mcp)[0]).toMatchObject({ attributes: { 'mcp_tool_server.door': 'stdio' } });
  }, 30_000);

  it('exports every request at rate 1, and ignores hostile traceparent values (a new trace, the call answered)', async () => {
    const server = traced as ListeningServer;
    const hostile = [
      '00-' + '0'.repeat(32) + '-' + '1'.repeat(16) + '-01',
      '00-' + 'A'.repeat(32) + '-' + '1'.repeat(16) + '-01',
      'ff-' + '1'.repeat(32) + '-' + '1'.repeat(16) + '-01',
      '00-' + '1'.repeat(32) + '-' + '1'.repeat(16) + '-01-extra',
      '0'.repeat(8000),
      '00-' + '2'.repeat(32) + '-' + '2'.repeat(16),
    ];
    const before = receiver.spans.filter((span) => span.name === 'POST /mcp').length;
    for (const header of hostile) {
      const answer = await mcpPost(server, key, toolCall('echo', { text: 'x' }), { traceparent: header, tracestate: 'k=' + 'v'.repeat(4000) });
      expect(answer.status).toBe(200);
      expect(answer.json.result?.isError).toBeFalsy();
    }
    await waitFor(() => receiver.spans.filter((span) => span.name === 'POST /mcp').length >= before + hostile.length, 10_000, 'one HTTP span per request');
    const roots = receiver.spans.filter((span) => span.name === 'POST /mcp').slice(before);
    expect(roots.every((span) => span.parentSpanId === '')).toBe(true);
    expect(roots.some((span) => span.traceId === '1'.repeat(32) || span.traceId === '2'.repeat(32))).toBe(false);
    // The server still answers everyone else.
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });

  it('at rate 0 exports nothing without a sampled parent, and follows a sampled one', async () => {
    const quiet = await startListeningServer({ ...base(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, TRACE_SAMPLING_RATE: '0', OTEL_SERVICE_NAME: 'rate-zero' }, cwd);
    try {
      const unsampled = traceparent(false);
      await mcpPost(quiet, key, toolCall('echo', { text: 'no parent' }));
      await mcpPost(quiet, key, toolCall('echo', { text: 'unsampled parent' }), { traceparent: unsampled.header });
      const sampled = traceparent(true);
      await mcpPost(quiet, key, toolCall('echo', { text: 'sampled parent' }), { traceparent: sampled.header });
      // Exports are in order: once the sampled trace has arrived, anything exported before it has too.
      await waitFor(() => spansOf(receiver, sampled.traceId).length >= 3, 10_000, 'the sampled trace');
      const fromQuiet = receiver.spans.filter((span) => span.resource['service.name'] === 'rate-zero');
      expect(new Set(fromQuiet.map((span) => span.traceId))).toEqual(new Set([sampled.traceId]));
      expect(spansOf(receiver, unsampled.traceId)).toHaveLength(0);
    } finally {
      await stopServer(quiet);
    }
  }, 60_000);

  it('exports the queued spans on SIGTERM, within the drain deadline, before exiting 0', async () => {
    // Exports would otherwise wait a minute: only the shutdown flush can deliver these spans in time.
    const lazy = await startListeningServer(
      { ...base(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '60000', SHUTDOWN_TIMEOUT_SECONDS: '10' },
      cwd,
    );
    const parent = traceparent();
    try {
      expect((await mcpPost(lazy, key, toolCall('echo', { text: 'flushed' }), { traceparent: parent.header })).status).toBe(200);
      expect(spansOf(receiver, parent.traceId)).toHaveLength(0);
      lazy.child.kill('SIGTERM');
      expect(await lazy.exited).toBe(0);
      expect(spansOf(receiver, parent.traceId).map((span) => span.name).sort()).toEqual(['POST /mcp', 'execute_tool echo', 'tools/call echo']);
    } finally {
      await stopServer(lazy);
    }
  }, 60_000);

  it('never fails a call when the collector is down: spans are dropped and counted', async () => {
    const closedPort = await freePort();
    const down = await startListeningServer(
      {
        ...base(),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_MAX_QUEUE_SIZE: '4',
        OTEL_BSP_EXPORT_TIMEOUT: '500',
        METRICS_PUBLIC: 'true',
      },
      cwd,
    );
    try {
      for (let i = 0; i < 10; i++) {
        const answer = await mcpPost(down, key, toolCall('echo', { text: `call ${i}` }));
        expect(answer.status).toBe(200);
        expect(answer.json.result?.isError).toBeFalsy();
      }
      const dropped = async (): Promise<number> => {
        const metrics = await (await fetch(`${down.url}/metrics`)).text();
        return [...metrics.matchAll(/^mcp_trace_spans_dropped_total\{reason="(?:queue_full|export_failed)"\} (\d+)$/gm)]
          .map((match) => Number(match[1]))
          .reduce((a, b) => a + b, 0);
      };
      await waitFor(async () => (await dropped()) > 0, 15_000, 'dropped spans to be counted');
      // Through the application's logger (stdout), or on stderr if the first drop came before it was up.
      await waitFor(() => `${down.stdout()}${down.stderr()}`.includes('tracing: spans dropped'), 15_000, 'the warning');
      expect(down.stdout()).not.toMatch(/"level":50/);
    } finally {
      await stopServer(down);
    }
  }, 60_000);
});
