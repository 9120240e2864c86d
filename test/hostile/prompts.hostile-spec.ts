import { FixturePromptsModule } from '../fixtures/fixture.prompts';
import { mcpHeaders, modernMeta, post } from './support/hostile-http';
import { createTestApp, TestApp } from '../support/test-app';

type Era = 'mcp-2025' | 'mcp-2026';
const ERAS: readonly Era[] = ['mcp-2025', 'mcp-2026'];

/** The JSON-RPC answer of one request (plain JSON or the first SSE `data:` line), or undefined. */
function answerOf(text: string): Record<string, unknown> | undefined {
  const data = text.startsWith('{') ? text : /^data: (.*)$/m.exec(text)?.[1];
  try {
    return data ? (JSON.parse(data) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hostile prompts/get and completion/complete over real HTTP, in both eras: oversized, wrongly typed and
 * pattern-laden values each get a bounded error naming the field, and the server answers the next caller.
 */
describe('hostile prompt and completion arguments', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_RPM: '100000' }, { imports: [FixturePromptsModule] });
  });
  afterAll(() => t?.close());

  async function rpc(era: Era, method: string, params: unknown, name?: string): Promise<{ status: number; answer?: Record<string, unknown> }> {
    const withMeta = era === 'mcp-2026' && typeof params === 'object' && params !== null ? { ...params, _meta: modernMeta() } : params;
    const res = await post(`${t.url}/mcp`, JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: withMeta }), mcpHeaders(t.primaryKey, era, method, name), 15_000);
    return { status: res.status, answer: answerOf(res.text) };
  }

  /** Proof the server still answers: a real prompts/get. */
  async function expectStillAnswering(era: Era): Promise<void> {
    const { answer } = await rpc(era, 'prompts/get', { name: 'fixture_greet', arguments: { name: 'ada_001' } }, 'fixture_greet');
    expect(answer).toMatchObject({ result: { messages: expect.arrayContaining([expect.objectContaining({ role: 'user' })]) } });
  }

  const greet = { type: 'ref/prompt', name: 'fixture_greet' };

  describe.each(ERAS)('%s', (era) => {
    it.each([
      ['an argument value of 8193 characters', 'arguments.name', { name: 'fixture_greet', arguments: { name: 'x'.repeat(8193) } }],
      ['a number as an argument value', 'arguments.name', { name: 'fixture_greet', arguments: { name: 42 } }],
      ['an object as an argument value', 'arguments.name', { name: 'fixture_greet', arguments: { name: { $gt: '' } } }],
      ['arguments as an array', 'arguments', { name: 'fixture_greet', arguments: ['a'] }],
      ['a name of 200 characters', 'name', { name: 'n'.repeat(200) }],
      ['no name', 'name', { arguments: {} }],
    ])('prompts/get with %s: -32602 naming %s, then still answering', async (_case, field, params) => {
      const name = (params as { name?: unknown }).name;
      const { answer } = await rpc(era, 'prompts/get', params, typeof name === 'string' ? name : undefined);
      expect(answer).toMatchObject({ error: { code: -32602, message: expect.stringContaining(field) } });
      await expectStillAnswering(era);
    });

    it.each([
      ['a value of 257 characters', 'argument.value', { ref: greet, argument: { name: 'name', value: 'a'.repeat(257) } }],
      ['a number as the value', 'argument.value', { ref: greet, argument: { name: 'name', value: 1 } }],
      ['an unknown ref type', 'ref.type', { ref: { type: 'ref/tool', name: 'echo' }, argument: { name: 'x', value: '' } }],
      ['no argument', 'argument', { ref: greet }],
      ['context arguments that are not strings', 'context.arguments.tone', { ref: greet, argument: { name: 'name', value: '' }, context: { arguments: { tone: [1] } } }],
    ])('completion/complete with %s: -32602 naming %s, then still answering', async (_case, field, params) => {
      const { answer } = await rpc(era, 'completion/complete', params);
      expect(answer).toMatchObject({ error: { code: -32602, message: expect.stringContaining(field) } });
      await expectStillAnswering(era);
    });

    it('completes pattern-laden partial values as plain text: no match, no error, still answering', async () => {
      for (const value of ['%', '_', '.*', '(a+)+$', '\\', "' OR 1=1 --", '\u0000', 'ada_%']) {
        const { answer } = await rpc(era, 'completion/complete', { ref: greet, argument: { name: 'name', value } });
        expect({ value, answer }).toMatchObject({ value, answer: { result: { completion: { values: [], total: 0, hasMore: false } } } });
      }
      await expectStillAnswering(era);
    });

    it('refuses arguments with more keys than BODY_MAX_ELEMENTS before any prompt code runs', async () => {
      const many = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, 'v']));
      const { status, answer } = await rpc(era, 'prompts/get', { name: 'fixture_greet', arguments: many }, 'fixture_greet');
      expect(status === 400 || (answer as { error?: { code: number } } | undefined)?.error?.code === -32602).toBe(true);
      await expectStillAnswering(era);
    });
  });
});
