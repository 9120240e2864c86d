import { Injectable, Module } from '@nestjs/common';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { McpPrompt } from '../../src/platform/mcp/mcp-prompt.decorator';
import { McpToolProvider } from '../../src/platform/mcp/mcp-tool-provider.decorator';
import { McpStdioServer } from '../../src/platform/mcp/mcp-stdio.server';
import { ConformanceFixturesModule } from '../conformance/conformance.fixtures';
import { FIXTURE_NAMES, FixturePrompts, FixturePromptsModule } from '../fixtures/fixture.prompts';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { stdioPipes } from '../support/stdio-pipes';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const MODERN = '2026-07-28';
const GREET_ARGS = { name: 'ada_007', tone: 'formal' };

/** 55 generated prompts of the `many` family, to page through prompts/list (50 a page). */
@McpToolProvider({ family: 'many' })
@Injectable()
class ManyPrompts {}
for (let i = 0; i < 55; i += 1) {
  const key = `p${i}`;
  Object.defineProperty(ManyPrompts.prototype, key, { value: () => ({ messages: [{ role: 'user', content: { type: 'text', text: key } }] }), writable: true, configurable: true });
  McpPrompt({ name: `many_${String(i).padStart(2, '0')}`, description: `Generated prompt ${i}` })(ManyPrompts.prototype, key, Object.getOwnPropertyDescriptor(ManyPrompts.prototype, key) as PropertyDescriptor);
}
@Module({ providers: [ManyPrompts] })
class ManyPromptsModule {}

/** The checks every door must pass: the same prompt, the same errors, the same completions. */
function expectGreeting(result: { description?: string; messages: unknown[] }, clientId: string): void {
  expect(result.description).toBe('A formal greeting');
  expect(result.messages).toEqual([
    { role: 'user', content: { type: 'text', text: `Greet ada_007 (formal) for ${clientId}` } },
    { role: 'user', content: { type: 'resource', resource: { uri: 'fixture://cards/ada_007', mimeType: 'text/plain', text: 'Card of ada_007' } } },
    { role: 'assistant', content: { type: 'resource_link', uri: 'fixture://profiles/ada_007', name: 'ada_007', mimeType: 'text/plain' } },
  ]);
}

describe('@McpPrompt through a real 2025-era client (in memory, as /mcp builds the server)', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [FixturePromptsModule, ManyPromptsModule] });
  });
  afterAll(() => kit?.close());

  it('advertises prompts and completions', () => {
    expect(kit.client.getServerCapabilities()).toMatchObject({ prompts: { listChanged: false }, completions: {} });
  });

  it('lists prompts in name order, 50 a page, with their arguments from the DTO', async () => {
    const first = await kit.client.listPrompts();
    expect(first.prompts).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await kit.client.listPrompts({ cursor: first.nextCursor });
    expect(second.nextCursor).toBeUndefined();
    const names = [...first.prompts, ...second.prompts].map((p) => p.name);
    expect(names).toEqual([...names].sort());
    expect(names.filter((n) => n.startsWith('fixture_'))).toEqual(['fixture_admin', 'fixture_crash', 'fixture_greet', 'fixture_hang', 'fixture_huge', 'fixture_missing']);
    expect(names.filter((n) => n.startsWith('many_'))).toHaveLength(55);
    expect(second.prompts.find((p) => p.name === 'fixture_greet') ?? first.prompts.find((p) => p.name === 'fixture_greet')).toEqual({
      name: 'fixture_greet',
      title: 'Greet someone',
      description: 'Greets someone, embedding a card and linking a profile',
      arguments: [
        { name: 'name', description: 'Who to greet', required: true },
        { name: 'tone', description: 'How formal the greeting is', required: false },
      ],
    });
  });

  it('refuses a cursor it did not give out', async () => {
    for (const cursor of ['nope', Buffer.from('{"o":-1}').toString('base64url'), Buffer.from('{"o":9999}').toString('base64url')]) {
      await expect(kit.client.listPrompts({ cursor })).rejects.toMatchObject({ code: -32602 });
    }
  });

  it('gets a prompt: text, an embedded resource and a resource link; audited without its arguments', async () => {
    expectGreeting(await kit.client.getPrompt({ name: 'fixture_greet', arguments: GREET_ARGS }), 'primary');
    const line = kit.logs.entries().find((l) => l.msg === 'prompt get' && l.prompt === 'fixture_greet');
    expect(line).toMatchObject({ audit: true, key_id: 'primary', door: 'memory', outcome: 'ok', arguments_sha256: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(JSON.stringify(line)).not.toContain('ada_007');
  });

  it.each([
    ['a missing required argument', {}, /name/],
    ['an unknown argument', { name: 'x', colour: 'red' }, /colour is not an accepted field/],
    ['a value outside the @IsIn list', { name: 'x', tone: 'rude' }, /tone must be one of the following values/],
    ['a value over the DTO MaxLength', { name: 'x'.repeat(101) }, /name must be shorter than or equal to 100 characters/],
  ])('answers -32602 naming the field for %s', async (_case, args, message) => {
    await expect(kit.client.getPrompt({ name: 'fixture_greet', arguments: args as Record<string, string> })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(message) });
  });

  it('answers -32602 for an unknown prompt and for a not-found the prompt reports', async () => {
    await expect(kit.client.getPrompt({ name: 'no_such_prompt' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown prompt: no_such_prompt') });
    await expect(kit.client.getPrompt({ name: 'fixture_missing' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Table nope does not exist') });
  });

  it('answers a generic -32603 with the request id for a crash or an oversized answer, never the cause, and keeps answering', async () => {
    for (const name of ['fixture_crash', 'fixture_huge']) {
      const error = (await kit.client.getPrompt({ name }).catch((e: unknown) => e)) as { code: number; message: string };
      expect(error.code).toBe(-32603);
      expect(error.message).toMatch(new RegExp(`Getting prompt ${name} failed \\(request [0-9a-f-]{36}\\)`));
      expect(error.message).not.toContain('10.0.0.5');
    }
    expect(kit.logs.entries().find((l) => l.msg === 'prompt get' && l.prompt === 'fixture_huge')).toMatchObject({ outcome: 'error' });
    expectGreeting(await kit.client.getPrompt({ name: 'fixture_greet', arguments: GREET_ARGS }), 'primary');
  });

  it('aborts the rendering when the client cancels', async () => {
    const cancel = new AbortController();
    const pending = kit.client.getPrompt({ name: 'fixture_hang' }, { signal: cancel.signal });
    const prompts = kit.app.get(FixturePrompts);
    await waitFor(() => prompts.lastHangSignal !== undefined, 10_000, 'fixture_hang to start');
    cancel.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => prompts.lastHangSignal?.aborted === true, 10_000, 'the prompt signal to abort');
    await waitFor(() => kit.logs.entries().some((l) => l.msg === 'prompt get' && l.prompt === 'fixture_hang' && l.outcome === 'cancelled'), 10_000, 'the cancelled audit line');
  });

  describe('completion/complete', () => {
    it('completes from the prompt completer: at most 100 values, with total and hasMore', async () => {
      const all = await kit.client.complete({ ref: { type: 'ref/prompt', name: 'fixture_greet' }, argument: { name: 'name', value: 'ada_' } });
      expect(all.completion).toEqual({ values: FIXTURE_NAMES.slice(0, 100), total: 150, hasMore: true });
      const few = await kit.client.complete({ ref: { type: 'ref/prompt', name: 'fixture_greet' }, argument: { name: 'name', value: 'ada_14' } });
      expect(few.completion).toEqual({ values: FIXTURE_NAMES.slice(140, 150), total: 10, hasMore: false });
    });

    it('completes an @IsIn argument from its list, case-insensitively by prefix', async () => {
      const result = await kit.client.complete({ ref: { type: 'ref/prompt', name: 'fixture_greet' }, argument: { name: 'tone', value: 'C' } });
      expect(result.completion).toEqual({ values: ['casual', 'cheerful'], total: 2, hasMore: false });
    });

    it('answers -32602 for an unknown prompt, an unknown argument, an oversized or wrongly typed value', async () => {
      const ref = { type: 'ref/prompt', name: 'fixture_greet' } as const;
      await expect(kit.client.complete({ ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'name', value: '' } })).rejects.toMatchObject({ code: -32602 });
      await expect(kit.client.complete({ ref, argument: { name: 'colour', value: '' } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('argument.name') });
      await expect(kit.client.complete({ ref, argument: { name: 'name', value: 'a'.repeat(257) } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('argument.value') });
      await expect(kit.client.request({ method: 'completion/complete', params: { ref, argument: { name: 'name', value: 42 } } } as never, {} as never)).rejects.toMatchObject({ code: -32602 });
      const still = await kit.client.complete({ ref, argument: { name: 'name', value: 'ada_149' } });
      expect(still.completion.values).toEqual(['ada_149']);
    });
  });
});

describe('prompts and completions follow the caller scopes', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [FixturePromptsModule], principal: { subject: 'reader', clientId: 'reader', scopes: ['fixture:read'], via: 'api_key' } });
  });
  afterAll(() => kit?.close());

  it('lists only the prompts the scopes allow', async () => {
    const { prompts } = await kit.client.listPrompts();
    expect(prompts.map((p) => p.name)).not.toContain('fixture_admin');
    expect(prompts.map((p) => p.name)).toContain('fixture_greet');
  });

  it('refuses to get a prompt outside the scopes, naming the scope; completes nothing of it', async () => {
    await expect(kit.client.getPrompt({ name: 'fixture_admin' })).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('admin') });
    await expect(kit.client.complete({ ref: { type: 'ref/prompt', name: 'fixture_admin' }, argument: { name: 'x', value: '' } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown prompt'),
    });
  });

  it('shows a caller without the family scope no prompts at all', async () => {
    const outsider = await createMcpTestKit({ imports: [FixturePromptsModule], principal: { subject: 'o', clientId: 'o', scopes: ['other:read'], via: 'api_key' } });
    try {
      expect((await outsider.client.listPrompts()).prompts).toEqual([]);
      await expect(outsider.client.getPrompt({ name: 'fixture_greet', arguments: GREET_ARGS })).rejects.toMatchObject({ code: -32600 });
    } finally {
      await outsider.close();
    }
  });
});

describe('prompts over real HTTP (both eras) and over stdio', () => {
  let t: TestApp;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${t.primaryKey}` });

  beforeAll(async () => {
    // The conformance fixtures bring resources (a listed one and a template), so every cacheable list answers.
    t = await createTestApp({}, { imports: [FixturePromptsModule, ConformanceFixturesModule] });
  });
  afterAll(() => t?.close());

  it('2025 era, v1 SDK client: list, get, complete, a validation error naming the field', async () => {
    const client = new ClientV1({ name: 'e2e-v1', version: '1.0.0' });
    await client.connect(new TransportV1(new URL(`${t.url}/mcp`), { requestInit: { headers: auth() } }));
    try {
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain('fixture_greet');
      expectGreeting(await client.getPrompt({ name: 'fixture_greet', arguments: GREET_ARGS }), 'primary');
      expect((await client.complete({ ref: { type: 'ref/prompt', name: 'fixture_greet' }, argument: { name: 'tone', value: 'f' } })).completion.values).toEqual(['formal']);
      await expect(client.getPrompt({ name: 'fixture_greet', arguments: {} })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('name') });
    } finally {
      await client.close();
    }
  });

  it('2026-07-28 era, v2 SDK client: list, get, complete, a validation error naming the field', async () => {
    const client = new ClientV2({ name: 'e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(new TransportV2(new URL(`${t.url}/mcp`), { requestInit: { headers: auth() } }));
    try {
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain('fixture_greet');
      expectGreeting(await client.getPrompt({ name: 'fixture_greet', arguments: GREET_ARGS }), 'primary');
      expect((await client.complete({ ref: { type: 'ref/prompt', name: 'fixture_greet' }, argument: { name: 'tone', value: 'ch' } })).completion.values).toEqual(['cheerful']);
      await expect(client.getPrompt({ name: 'fixture_greet', arguments: { name: 'x', tone: 'rude' } })).rejects.toMatchObject({ message: expect.stringContaining('tone') });
    } finally {
      await client.close();
    }
  });

  /** One raw JSON-RPC POST to /mcp in either era; answers the parsed JSON-RPC response. */
  async function rawPost(method: string, params: Record<string, unknown>, era: 'legacy' | 'modern'): Promise<Record<string, unknown>> {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientInfo': { name: 'raw-e2e', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const response = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': era === 'modern' ? MODERN : '2025-11-25',
        ...(era === 'modern' ? { 'Mcp-Method': method } : {}),
        ...(era === 'modern' && typeof params.uri === 'string' ? { 'Mcp-Name': params.uri } : {}),
        ...auth(),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: era === 'modern' ? { ...params, _meta: meta } : params }),
    });
    const text = await response.text();
    const data = text.startsWith('{') ? text : (text.split('\n').find((line) => line.startsWith('data: ')) ?? '').slice(6);
    return JSON.parse(data) as Record<string, unknown>;
  }

  it('2026-07-28 list results carry ttlMs and cacheScope: a minute for lists fixed at boot, 0 for live resources; never in the 2025 era', async () => {
    for (const method of ['tools/list', 'prompts/list', 'resources/templates/list']) {
      expect({ method, result: (await rawPost(method, {}, 'modern')).result }).toMatchObject({ method, result: { ttlMs: 60_000, cacheScope: 'private' } });
    }
    expect((await rawPost('resources/list', {}, 'modern')).result).toMatchObject({ resources: [expect.objectContaining({ uri: 'test://static-text' })], ttlMs: 0, cacheScope: 'private' });
    expect((await rawPost('resources/read', { uri: 'test://static-text' }, 'modern')).result).toMatchObject({ ttlMs: 0, cacheScope: 'private' });
    const legacy = (await rawPost('prompts/list', {}, 'legacy')).result as Record<string, unknown>;
    expect(legacy.prompts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fixture_greet' })]));
    expect(legacy).not.toHaveProperty('ttlMs');
    expect(legacy).not.toHaveProperty('cacheScope');
  });

  it('stdio: list, get and complete as line-delimited JSON-RPC', async () => {
    const kit = await createMcpTestKit({ imports: [FixturePromptsModule] });
    const { stdin, stdout, lines } = stdioPipes();
    const served = kit.app.get(McpStdioServer).start({ stdin, stdout });
    const send = (message: object): boolean => stdin.write(`${JSON.stringify(message)}\n`);
    try {
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'prompts/list', params: {} });
      send({ jsonrpc: '2.0', id: 3, method: 'prompts/get', params: { name: 'fixture_greet', arguments: GREET_ARGS } });
      send({ jsonrpc: '2.0', id: 4, method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'fixture_greet' }, argument: { name: 'name', value: 'ada_10' } } });
      send({ jsonrpc: '2.0', id: 5, method: 'prompts/get', params: { name: 'fixture_greet', arguments: { name: 7 } } });
      await waitFor(() => lines.length >= 5, 10_000, 'five answers');
      const byId = (id: number): Record<string, unknown> | undefined => lines.find((l) => l.id === id);
      expect(byId(1)).toMatchObject({ result: { capabilities: { prompts: {}, completions: {} } } });
      expect((byId(2)?.result as { prompts: { name: string }[] }).prompts.map((p) => p.name)).toContain('fixture_greet');
      expectGreeting(byId(3)?.result as { messages: unknown[] }, 'local');
      expect(byId(4)).toMatchObject({ result: { completion: { values: FIXTURE_NAMES.slice(100, 110), total: 10, hasMore: false } } });
      expect(byId(5)).toMatchObject({ error: { code: -32602, message: expect.stringContaining('arguments.name') } });
    } finally {
      stdin.end();
      await served;
      await kit.close();
    }
  });
});
