import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { validateEnvironment } from '../../src/config/validate-environment';
import { inSpan } from '../../src/platform/tracing/in-span';
import { startTracing, TracingHandle } from '../../src/platform/tracing/tracing-sdk';
import { TracingSettings, tracingSettingsFrom } from '../../src/platform/tracing/tracing-settings';
import { OpenAiEmbeddingsClient } from '../../src/tools/rag/openai-embeddings.client';
import { FakeUpstream } from '../support/fake-upstream';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/**
 * The tracing SDK started in this process (as main.ts does before the app) and the app booted in process: the
 * REST facade's HTTP door, `_meta` on /mcp, the embeddings client's traceparent. Spans go to an in-memory
 * exporter: the OTLP transport loads `http` with a dynamic `import()`, which jest's module loader does not run,
 * and jest's loader also bypasses the hook by which the `pg` instrumentation patches `pg`. Both are covered
 * against `node dist/main.js` and a real OTLP receiver in tracing.e2e-spec.ts.
 */
describe('tracing in process', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;
  let t: TestApp;
  const dropped: number[] = [];

  beforeAll(async () => {
    const env = validateEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test', OTEL_BSP_SCHEDULE_DELAY: '20' });
    tracing = startTracing(tracingSettingsFrom(env) as TracingSettings, (count) => dropped.push(count), exporter);
    t = await createTestApp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  }, 60_000);

  afterAll(async () => {
    await t?.app.close();
    await tracing?.shutdown(2000);
  });

  const spansOf = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan | undefined): string | undefined => span?.parentSpanContext?.spanId;

  it('traces a REST facade call: the route template, the tool span (door rest) and its log lines', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const answer = await t.http
      .post('/v1/tools/echo')
      .set('Authorization', `Bearer ${t.primaryKey}`)
      .set('traceparent', `00-${traceId}-${parentId}-01`)
      .send({ text: 'traced' });
    expect(answer.status).toBe(200);
    await waitFor(() => spansOf(traceId).length >= 2, 10_000, 'the spans');
    const http = spansOf(traceId).find((span) => parentOf(span) === parentId);
    expect(http?.name).toBe('POST /v1/tools/:name');
    expect(http?.attributes).toMatchObject({ 'http.route': '/v1/tools/:name', 'http.response.status_code': 200 });
    expect(http?.resource.attributes).toMatchObject({ 'service.name': 'mcp-tool-server', 'deployment.environment.name': 'test' });
    const tool = spansOf(traceId).find((span) => parentOf(span) === http?.spanContext().spanId);
    expect(tool?.name).toBe('execute_tool echo');
    expect(tool?.attributes).toMatchObject({ 'mcp_tool_server.door': 'rest', 'mcp_tool_server.tool.outcome': 'ok' });
    const audit = t.logs.entries().find((line) => line.audit === true && line.trace_id === traceId);
    expect(audit).toMatchObject({ tool: 'echo', span_id: tool?.spanContext().spanId });
    expect(dropped).toEqual([]);
  });

  it("parents the MCP span on _meta's trace when the HTTP request names none, linked to the HTTP span", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const answer = await t.http
      .post('/mcp')
      .set('Authorization', `Bearer ${t.primaryKey}`)
      .set('Accept', 'application/json, text/event-stream')
      .set('MCP-Protocol-Version', '2025-11-25')
      .send({ jsonrpc: '2.0', id: 'list-1', method: 'tools/list', params: { _meta: { traceparent: `00-${traceId}-${parentId}-01` } } });
    expect(answer.status).toBe(200);
    await waitFor(() => spansOf(traceId).length >= 1, 10_000, 'the MCP span');
    const [mcp] = spansOf(traceId);
    expect(mcp.name).toBe('tools/list');
    expect(parentOf(mcp)).toBe(parentId);
    expect(mcp.attributes).toMatchObject({ 'jsonrpc.request.id': 'list-1', 'mcp.method.name': 'tools/list', 'mcp.protocol.version': '2025-11-25' });
    expect(mcp.links).toHaveLength(1);
    const linked = mcp.links[0].context.spanId;
    await waitFor(() => exporter.getFinishedSpans().some((span) => span.spanContext().spanId === linked), 10_000, 'the linked HTTP span');
    expect(exporter.getFinishedSpans().find((span) => span.spanContext().spanId === linked)?.name).toBe('POST /mcp');
  });

  it('sends the embeddings endpoint the traceparent of each attempt, retry number recorded, never the key', async () => {
    const fake = await FakeUpstream.start();
    try {
      fake.script('/v1/embeddings', { kind: 'status', status: 503 });
      fake.always('/v1/embeddings', { kind: 'json', body: { data: [{ index: 0, embedding: [1, 0, 0, 0] }] } });
      const client = new OpenAiEmbeddingsClient({ baseUrl: fake.url, model: 'm', dimension: 4, timeoutMs: 5000, apiKey: 'embed-key' });
      let traceId = '';
      await inSpan('caller', {}, async (span) => {
        traceId = span.spanContext().traceId;
        await client.embed(['hello']);
      });
      const sent = fake.requestsTo('/v1/embeddings').map((request) => String(request.headers.traceparent));
      expect(sent).toHaveLength(2);
      for (const header of sent) expect(header).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(new Set(sent).size).toBe(2);
      await waitFor(() => spansOf(traceId).filter((span) => span.name === 'POST').length === 2, 10_000, 'the attempt spans');
      const attempts = spansOf(traceId).filter((span) => span.name === 'POST');
      expect(attempts.map((span) => span.attributes['http.response.status_code']).sort()).toEqual([200, 503]);
      expect(attempts.find((span) => span.attributes['http.response.status_code'] === 200)?.attributes['http.request.resend_count']).toBe(1);
      expect(attempts.map((span) => span.spanContext().spanId).sort()).toEqual(sent.map((header) => header.slice(36, 52)).sort());
      expect(JSON.stringify(attempts.map((span) => span.attributes))).not.toContain('embed-key');
    } finally {
      await fake.close();
    }
  });
});
