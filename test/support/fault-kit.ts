/** Shared pieces of the fault-injection tests (test/e2e/fault-*.e2e-spec.ts). */
import { performance } from 'node:perf_hooks';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sleep } from './wait';

/** One tool call of a steady stream, as a fault test judges it. */
export interface CallOutcome {
  readonly door: 'rest' | 'mcp';
  readonly tool: string;
  /** performance.now() when the call started. */
  readonly at: number;
  readonly ms: number;
  /** `ok`, a tool error status, `hang` (no answer within the test's bound) or `other: …` (anything unexpected). */
  readonly kind: string;
  readonly text: string;
}

/** One tool call and its arguments. */
export interface ToolCall {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** A real SDK client (2025 era) on the app's /mcp with its primary key. */
export async function connectMcpClient(url: string, key: string, name: string): Promise<McpClient> {
  const client = new McpClient({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

/** `call` through the REST facade: `ok`, `retry` (503 + status retry + Retry-After), `hang` past `boundMs`, or `other: …`. */
export async function restOutcome(url: string, key: string, call: ToolCall, boundMs: number): Promise<CallOutcome> {
  const at = performance.now();
  try {
    const res = await fetch(`${url}/v1/tools/${call.tool}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(call.args),
      signal: AbortSignal.timeout(boundMs),
    });
    const text = await res.text();
    const ms = performance.now() - at;
    if (res.status === 200) return { door: 'rest', tool: call.tool, at, ms, kind: 'ok', text };
    const status = (JSON.parse(text) as { status?: string }).status;
    const typed = res.status === 503 && status === 'retry' && Number(res.headers.get('retry-after')) >= 1;
    return { door: 'rest', tool: call.tool, at, ms, kind: typed ? 'retry' : `other: HTTP ${res.status}`, text };
  } catch (error) {
    const kind = (error as Error).name === 'TimeoutError' ? 'hang' : `other: ${String(error)}`;
    return { door: 'rest', tool: call.tool, at, ms: performance.now() - at, kind, text: '' };
  }
}

/** `call` over /mcp: `ok`, the error result's status, `hang` past `boundMs`, or `other: …`. */
export async function mcpOutcome(client: McpClient, call: ToolCall, boundMs: number): Promise<CallOutcome> {
  const at = performance.now();
  try {
    const result = await client.callTool({ name: call.tool, arguments: { ...call.args } }, undefined, { timeout: boundMs });
    const text = (result.content as { text?: string }[])[0]?.text ?? '';
    const kind = result.isError ? ((JSON.parse(text) as { status?: string }).status ?? 'other: untyped') : 'ok';
    return { door: 'mcp', tool: call.tool, at, ms: performance.now() - at, kind, text: result.isError ? text : '' };
  } catch (error) {
    const kind = /timed out/i.test(String(error)) ? 'hang' : `other: ${String(error)}`;
    return { door: 'mcp', tool: call.tool, at, ms: performance.now() - at, kind, text: '' };
  }
}

/** Each caller calls again `pauseMs` after its last answer until stopped; `stop` answers every outcome. */
export function startStream<T>(
  callers: readonly (() => Promise<T>)[],
  pauseMs: number,
): { stop: () => Promise<T[]>; count: () => number; seen: () => readonly T[] } {
  const outcomes: T[] = [];
  let running = true;
  const loops = callers.map(async (next) => {
    while (running) {
      outcomes.push(await next());
      await sleep(pauseMs);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
    /** Outcomes so far: wait on it rather than on a fixed sleep, which a loaded machine fills with fewer calls. */
    count: () => outcomes.length,
    /** The outcomes so far, for a wait on what they show (the stream keeps adding to them). */
    seen: () => outcomes,
  };
}
