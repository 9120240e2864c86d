import fc from 'fast-check';
import { clip, problemsOf } from './support/answer-checks';
import { EnvelopeParts, envelopeParts, toEnvelope } from './support/envelope-arbitrary';
import { EventLoopProbe } from './support/event-loop-probe';
import { assertParameters, fuzzSettings } from './support/fuzz-settings';
import { FuzzServer, startFuzzServer } from './support/fuzz-server';
import { mcpHeaders, send } from './support/hostile-http';
import { assertEchoAnswers } from './support/liveness';

/**
 * Property-based fuzzing of the JSON-RPC envelope on `/mcp` of the real server process: any `jsonrpc`,
 * ids of every type, unknown methods, notifications, params of the wrong type, junk `_meta`, extra fields,
 * the headers of both protocol eras (2025-11-25 and 2026-07-28) and wrong ones, damaged bodies. Every answer
 * must be clean (no 5xx, no -32603, JSON, no leak); then the process is alive, `echo` answers within 2 s, and
 * no `/health/live` probe took over 2 s. Replay with FUZZ_SEED=<seed>.
 */

/** Minimal envelopes the fuzz found (seeds 7 and 20261202), replayed on every run; each was a bug, fixed since. */
const FOUND: readonly (readonly [bug: string, body: string])[] = [
  ['resources/read without params: -32603 carrying the raw Zod issue list, not -32602', '{"jsonrpc":"2.0","id":0,"method":"resources/read"}'],
  ['resources/read with a non-string uri: same', '{"jsonrpc":"2.0","id":0,"method":"resources/read","params":{"uri":1}}'],
  ['resources/list with a non-string cursor: same', '{"jsonrpc":"2.0","id":0,"method":"resources/list","params":{"cursor":1}}'],
  [
    'a _meta value nested 100,000 deep: HTTP 500, -32603',
    `{"jsonrpc":"2.0","id":0,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}}`,
  ],
];

const PROBE_BOUND_MS = 2000;
const CALL_TIMEOUT_MS = 10_000;
const settings = fuzzSettings();

describe(`fuzz: JSON-RPC envelopes on /mcp, both protocol eras (seed ${settings.seed})`, () => {
  let fuzz: FuzzServer;
  let probe: EventLoopProbe;
  let worst = { echoMs: 0, probeMs: 0, probes: 0 };

  beforeAll(async () => {
    fuzz = await startFuzzServer();
    probe = EventLoopProbe.start(fuzz.url);
  }, 90_000);

  afterAll(async () => {
    process.stderr.write(`fuzz figures: slowest echo after a batch ${Math.round(worst.echoMs)} ms; slowest of ${worst.probes} /health/live probes ${Math.round(worst.probeMs)} ms\n`);
    await probe?.stop();
    await fuzz?.stop();
  }, 30_000);

  async function sendEnvelope(parts: EnvelopeParts): Promise<void> {
    const envelope = toEnvelope(parts, fuzz.key);
    const answer = await send(`${fuzz.url}/mcp`, envelope.httpMethod, envelope.body, envelope.headers, CALL_TIMEOUT_MS);
    const problems = problemsOf(answer);
    if (problems.length > 0) {
      const body = envelope.body === undefined ? '(none)' : clip(typeof envelope.body === 'string' ? envelope.body : Buffer.from(envelope.body).toString('latin1'), 400);
      throw new Error(`${envelope.httpMethod} /mcp ${JSON.stringify(envelope.headers)} body ${body}:\n  ${problems.join('\n  ')}`);
    }
  }

  async function assertStillServing(): Promise<void> {
    const echoMs = await assertEchoAnswers(fuzz.server, fuzz.key);
    const report = await probe.report();
    worst = { echoMs: Math.max(worst.echoMs, echoMs), probeMs: Math.max(worst.probeMs, report.slowestMs), probes: worst.probes + report.samples };
    expect(report.failures).toBe(0);
    expect(report.slowestMs).toBeLessThan(PROBE_BOUND_MS);
  }

  it.each(FOUND)('replays a found envelope [was: %s]', async (bug, body) => {
    const answer = await send(`${fuzz.url}/mcp`, 'POST', body, mcpHeaders(fuzz.key, 'mcp-2025', 'tools/list'), CALL_TIMEOUT_MS);
    expect({ bug, problems: problemsOf(answer) }).toEqual({ bug, problems: [] });
    await assertStillServing();
  });

  it('answers every envelope cleanly, then still serves another caller', async () => {
    await fc.assert(fc.asyncProperty(envelopeParts(false), sendEnvelope), assertParameters(settings, settings.numRuns * 25));
    await assertStillServing();
  }, 120_000);

  it('answers envelopes carrying values nested up to 100,000 levels in params and _meta', async () => {
    await fc.assert(fc.asyncProperty(envelopeParts(true), sendEnvelope), assertParameters(settings, settings.numRuns * 5));
    await assertStillServing();
  }, 120_000);
});
