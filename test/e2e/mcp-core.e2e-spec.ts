import { DiagnosticsModule } from '../../src/tools/diagnostics/diagnostics.module';
import { FixtureTools, FixtureToolsModule } from '../fixtures/fixture.tools';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { errorOf } from '../support/tool-results';

describe('MCP core through the test kit (in-memory SDK client)', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [FixtureToolsModule, DiagnosticsModule], principal: { subject: 'primary', clientId: 'primary', scopes: [], via: 'api_key' } });
  });
  afterAll(() => kit.close());

  it('lists the marked tools the caller may call, in name order, with schemas and annotations', async () => {
    const { tools } = await kit.client.listTools();
    // fixture_admin needs the `admin` scope, which this caller lacks.
    expect(tools.map((tool) => tool.name)).toEqual([
      'echo',
      'fixture_add',
      'fixture_bad_output',
      'fixture_crash',
      'fixture_missing',
      'fixture_tags',
      'fixture_wait',
    ]);
    const add = tools.find((tool) => tool.name === 'fixture_add');
    expect(add?.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'integer', minimum: 0, maximum: 1000 }, b: { type: 'integer', default: 1 } },
      required: ['a'],
      additionalProperties: false,
    });
    expect(add?.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'integer' } } });
    expect(add?.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    for (const tool of tools) expect(Object.keys(tool.annotations ?? {}).sort()).toEqual(['destructiveHint', 'idempotentHint', 'openWorldHint', 'readOnlyHint']);
  });

  it('calls a tool: text content plus structuredContent, defaults applied', async () => {
    const result = await kit.client.callTool({ name: 'fixture_add', arguments: { a: 2 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ sum: 3 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":3}' }]);
  });

  it.each([
    [{ a: 'two' }, 'a', 'must be an integer number'],
    [{ a: 5000 }, 'a', 'must not be greater than 1000'],
    [{ a: 1, extra: true }, 'extra', 'is not an accepted field'],
  ])('answers bad arguments %j with an invalid result naming %s', async (args, field, message) => {
    const result = await kit.client.callTool({ name: 'fixture_add', arguments: args });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(errorOf(result)).toMatchObject({ status: 'invalid', issues: expect.arrayContaining([{ field, message }]) });
  });

  it('names nested fields by their path', async () => {
    const result = await kit.client.callTool({ name: 'fixture_tags', arguments: { tags: [{ label: 'a' }, { label: 7 }] } });
    expect(result.structuredContent).toMatchObject({ issues: [{ field: 'tags[1].label', message: 'must be a string' }] });
  });

  it('maps a ToolException to its status with a request id', async () => {
    const result = await kit.client.callTool({ name: 'fixture_missing', arguments: {} });
    expect(result).toMatchObject({
      isError: true,
      structuredContent: { status: 'not_found', error: 'Customer 42 does not exist' },
    });
    expect((result.structuredContent as { request_id: string }).request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorOf(result)).toEqual(result.structuredContent);
  });

  it('hides an unexpected error behind generic text and logs it in full', async () => {
    const result = await kit.client.callTool({ name: 'fixture_crash', arguments: {} });
    expect(result).toMatchObject({ isError: true, structuredContent: { status: 'error', error: 'Internal server error' } });
    expect(JSON.stringify(result)).not.toContain('password');
    expect(kit.logs.text).toContain('password authentication failed');
  });

  it('refuses a result that breaks the output schema, as an error', async () => {
    const result = await kit.client.callTool({ name: 'fixture_bad_output', arguments: {} });
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({ status: 'error', error: 'Internal server error' });
  });

  it('refuses a tool whose scope the key lacks', async () => {
    const result = await kit.client.callTool({ name: 'fixture_admin', arguments: {} });
    expect(result).toMatchObject({ isError: true, structuredContent: { status: 'forbidden' } });
  });

  it('answers an unknown tool with a protocol error', async () => {
    await expect(kit.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool: no_such_tool/);
  });

  it('ends a call at its deadline with a retry result and aborts the tool signal', async () => {
    const result = await kit.client.callTool({ name: 'fixture_wait', arguments: { ms: 5000 } });
    expect(result).toMatchObject({ isError: true, structuredContent: { status: 'retry', error: 'Tool call timed out after 2s' } });
    expect(kit.app.get(FixtureTools).lastWaitAbort).toBe('DeadlineExceeded');
  });

  it('sends progress notifications when asked', async () => {
    const seen: number[] = [];
    const result = await kit.client.callTool({ name: 'fixture_wait', arguments: { ms: 90, steps: 3 } }, undefined, {
      onprogress: (progress) => seen.push(progress.progress),
    });
    expect(result.structuredContent).toEqual({ waited: 90 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('aborts the tool signal when the client cancels', async () => {
    const controller = new AbortController();
    const call = kit.client.callTool({ name: 'fixture_wait', arguments: { ms: 1500 } }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort('user pressed stop'), 100);
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(kit.app.get(FixtureTools).lastWaitAbort).toBe('CallCancelled');
  });

  it('writes one audit line per call without the arguments', async () => {
    await kit.client.callTool({ name: 'echo', arguments: { text: 'secret-argument-value' } });
    const audit = kit.logs.entries().filter((entry) => entry.audit === true && entry.tool === 'echo');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ key_id: 'primary', door: 'memory', outcome: 'ok' });
    expect(typeof audit[0].duration_ms).toBe('number');
    expect(kit.logs.text).not.toContain('secret-argument-value');
  });
});
