import fc from 'fast-check';
import { problemsOf, clip } from './support/answer-checks';
import { applyMutations, mutation } from './support/argument-mutations';
import { EventLoopProbe } from './support/event-loop-probe';
import { assertParameters, fuzzSettings } from './support/fuzz-settings';
import { FuzzServer, startFuzzServer, UPSTREAM_PREFIX } from './support/fuzz-server';
import { callTool, Door, DOORS, HttpAnswer, jsonMessages, mcpHeaders, post } from './support/hostile-http';
import { deepValue } from './support/hostile-values';
import { arbitraryFor, JsonSchema } from './support/json-schema-arbitrary';
import { assertEchoAnswers, isAlive } from './support/liveness';
import { RawJson, toJsonText } from './support/raw-json';

/**
 * Property-based fuzzing of every registered tool's arguments, through the real HTTP server (a real
 * `node dist/main.js` process, every family on): arguments generated from each tool's advertised
 * inputSchema, then mutated (wrong types, missing and unknown fields, 1 MB strings, deep nesting, unicode
 * edge cases, numbers at and past bounds, SQL fragments, prototype keys), each sent through `/mcp` in both
 * protocol eras and through the REST facade. Every answer must be typed and clean (answer-checks.ts); after
 * each tool the process is alive, `echo` answers within 2 s, and no `/health/live` probe took over 2 s.
 * Replay a failure with the seed it prints: FUZZ_SEED=<seed> FUZZ_RUNS=<runs>.
 */

/** Every tool the fuzz server registers: a new tool must be added here, so that it is fuzzed too. */
const TOOLS = [
  'create_customer',
  'delete_customer',
  'echo',
  'fetch_customer',
  'get_customer',
  'get_top_customers',
  'list_customers',
  'monthly_revenue',
  'orders_by_customer',
  'rag_delete_document',
  'rag_ingest',
  'rag_list_documents',
  'rag_search',
  'sql_describe_table',
  'sql_list_tables',
  'sql_query',
] as const;

/**
 * The minimal counterexamples the fuzz has found (with seeds 20261202, 7 and 99), replayed on every run
 * whatever the seed. Each was a bug, fixed since: the reason is what it used to answer, and why.
 */
const FOUND: readonly (readonly [tool: string, bug: string, argumentsJson: string])[] = [
  ['sql_list_tables', 'deep nesting: class-transformer recursion, then JSON.stringify in the audit digest throws in a finally (-32603 / 500)', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
  ['get_customer', 'an object with a "constructor" key crashes class-transformer (status error / 500)', '{"customer_id":1,"x":{"constructor":1}}'],
  ['rag_ingest', 'free-form metadata with a "constructor" key: same class-transformer crash', '{"documents":[{"text":"x","metadata":{"constructor":{"a":1}}}]}'],
  ['rag_search', 'a query without a single token: the result fails its own output schema (status error / 500)', '{"query":"!!!"}'],
  ['rag_search', 'same, with a lone surrogate as the query', '{"query":"\\ud800","mode":"vector"}'],
  ['rag_ingest', 'U+0000 reaches PostgreSQL text: invalid byte sequence (status error / 500)', '{"documents":[{"text":"a\\u0000b"}]}'],
  ['rag_list_documents', 'same for the source filter', '{"source":"\\u0000"}'],
  ['rag_search', 'U+0000 in jsonb: unsupported Unicode escape sequence (status error / 500)', '{"query":"x","filter":{"metadata":{"a":"\\u0000"}}}'],
];

const PROBE_BOUND_MS = 2000;
const CALL_TIMEOUT_MS = 15_000;
const settings = fuzzSettings();

interface AdvertisedTool {
  readonly name: string;
  readonly inputSchema: JsonSchema;
}

describe(`fuzz: every tool's arguments, through /mcp (both eras) and POST /v1/tools/:name (seed ${settings.seed}, ${settings.numRuns} runs)`, () => {
  let fuzz: FuzzServer;
  let probe: EventLoopProbe;
  let worst = { echoMs: 0, probeMs: 0, probes: 0 };
  let schemas: Map<string, JsonSchema>;
  let nextId = 1;

  async function listTools(): Promise<AdvertisedTool[]> {
    const answer = await post(`${fuzz.url}/mcp`, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), mcpHeaders(fuzz.key, 'mcp-2025', 'tools/list'), 10_000);
    const [message] = jsonMessages(answer) as { result: { tools: AdvertisedTool[] } }[];
    return message.result.tools;
  }

  /**
   * Calls `name` with `args` through every door, all at once (`together`, as concurrent agents would) or
   * one after the other; throws with each door's problems.
   */
  async function callEverywhere(name: string, args: unknown, together: boolean): Promise<void> {
    const json = toJsonText(args);
    const seenUpstream = fuzz.upstream.requests.length;
    const call = (door: Door): Promise<HttpAnswer> => callTool(fuzz.url, fuzz.key, door, name, json, CALL_TIMEOUT_MS, nextId++);
    const answers: HttpAnswer[] = [];
    if (together) answers.push(...(await Promise.all(DOORS.map(call))));
    else for (const door of DOORS) answers.push(await call(door));
    const problems = answers.flatMap((answer, index) => problemsOf(answer, { callerSql: name === 'sql_query' }).map((problem) => `${DOORS[index]}: ${problem}`));
    const escaped = fuzz.upstream.requests.slice(seenUpstream).filter((request) => !request.path.startsWith(`${UPSTREAM_PREFIX}/`) || /\/\.\.?(?:\/|$)/.test(request.path));
    problems.push(...escaped.map((request) => `upstream request outside ${UPSTREAM_PREFIX}/: ${request.method} ${clip(request.url)}`));
    if (problems.length > 0) throw new Error(`${name} with arguments ${clip(json, 300)}:\n  ${problems.join('\n  ')}`);
  }

  /** The server answers another caller, and its event loop never stalled while the batch ran. */
  async function assertStillServing(): Promise<void> {
    const echoMs = await assertEchoAnswers(fuzz.server, fuzz.key);
    const report = await probe.report();
    worst = { echoMs: Math.max(worst.echoMs, echoMs), probeMs: Math.max(worst.probeMs, report.slowestMs), probes: worst.probes + report.samples };
    expect(report.failures).toBe(0);
    expect(report.slowestMs).toBeLessThan(PROBE_BOUND_MS);
  }

  beforeAll(async () => {
    fuzz = await startFuzzServer();
    probe = EventLoopProbe.start(fuzz.url);
    schemas = new Map((await listTools()).map((tool) => [tool.name, tool.inputSchema]));
    // RAG searches that go wrong only once the store holds something (a found case does) need a document.
    await callTool(fuzz.url, fuzz.key, 'rest', 'rag_ingest', JSON.stringify({ documents: [{ text: 'Tide tables list high water.', source: 'fuzz/seed' }] }), CALL_TIMEOUT_MS);
  }, 90_000);

  afterAll(async () => {
    process.stderr.write(`fuzz figures: slowest echo after a batch ${Math.round(worst.echoMs)} ms; slowest of ${worst.probes} /health/live probes ${Math.round(worst.probeMs)} ms\n`);
    await probe?.stop();
    await fuzz?.stop();
  }, 30_000);

  // A crash in one tool's run must not hide what the next tools do: bring a fresh server up and say so.
  beforeEach(async () => {
    if (fuzz && !isAlive(fuzz.server)) {
      await probe.stop();
      await fuzz.stop();
      fuzz = await startFuzzServer();
      probe = EventLoopProbe.start(fuzz.url);
    }
  }, 90_000);

  it('advertises every family’s tools (the list below is what gets fuzzed)', () => {
    expect([...schemas.keys()].sort()).toEqual([...TOOLS]);
  });

  it('answers arguments nested up to 100,000 levels, at any place of any tool', async () => {
    const cases = fc
      .constantFrom(...TOOLS)
      .chain((name) => fc.record({ name: fc.constant(name), valid: arbitraryFor(schemas.get(name) as JsonSchema), slot: fc.nat({ max: 63 }), deep: deepValue }));
    await fc.assert(
      fc.asyncProperty(cases, ({ name, valid, slot, deep }) =>
        callEverywhere(name, applyMutations(valid, [{ kind: 'replace', slot, value: deep }], schemas.get(name) as JsonSchema), false),
      ),
      assertParameters(settings, settings.numRuns * 2),
    );
    await assertStillServing();
  }, 120_000);

  it.each(FOUND)('replays a found counterexample: %s [was: %s]', async (name, _bug, argumentsJson) => {
    await callEverywhere(name, new RawJson(argumentsJson, argumentsJson), false);
    await assertStillServing();
  });

  it('answers the same ingest of one new source from every door at once [was: a race on its unique key, status error / 500]', async () => {
    await callEverywhere('rag_ingest', { documents: [{ text: 'one text, three doors', source: `race/${Date.now()}` }] }, true);
    await assertStillServing();
  });

  describe.each(TOOLS)('%s', (name) => {
    const schema = (): JsonSchema => schemas.get(name) as JsonSchema;

    it('answers valid arguments cleanly through every door, called at once', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryFor(schema()), (args) => callEverywhere(name, args, true)),
        assertParameters(settings),
      );
      await assertStillServing();
    }, 120_000);

    it('answers mutated arguments with typed errors, never a crash or a leak', async () => {
      const cases = fc.record({ valid: arbitraryFor(schema()), mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }) });
      await fc.assert(
        fc.asyncProperty(cases, ({ valid, mutations }) => callEverywhere(name, applyMutations(valid, mutations, schema()), false)),
        assertParameters(settings, settings.numRuns * 2),
      );
      await assertStillServing();
    }, 180_000);
  });
});
