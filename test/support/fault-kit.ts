/** Shared pieces of the fault-injection tests (test/e2e/fault-*.e2e-spec.ts). */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it holds; answers performance.now() at that moment, or throws after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
  return performance.now();
}

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
