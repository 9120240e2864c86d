/**
 * How long and how hard the fuzz suite runs: seeded, so a failure replays exactly. `FUZZ_SEED` replays a
 * printed seed, `FUZZ_RUNS` sets the runs per property, `FUZZ_TIME_LIMIT_MS` caps each property's wall time
 * (fast-check's `interruptAfterTimeLimit`, a backstop: an interrupted property fails, so a run cut short is seen).
 */
export interface FuzzSettings {
  readonly seed: number;
  readonly numRuns: number;
  readonly timeLimitMs: number;
}

const DEFAULT_SEED = 20261202;
const DEFAULT_RUNS = 16;
const DEFAULT_TIME_LIMIT_MS = 60_000;

function integerFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

export function fuzzSettings(): FuzzSettings {
  return {
    seed: integerFrom('FUZZ_SEED', DEFAULT_SEED),
    numRuns: integerFrom('FUZZ_RUNS', DEFAULT_RUNS),
    timeLimitMs: integerFrom('FUZZ_TIME_LIMIT_MS', DEFAULT_TIME_LIMIT_MS),
  };
}

/** fast-check parameters of one property: the seed, the runs, the backstop, and no verbose dump of 1 MB values. */
export function assertParameters(settings: FuzzSettings, numRuns = settings.numRuns) {
  return {
    seed: settings.seed,
    numRuns,
    interruptAfterTimeLimit: settings.timeLimitMs,
    markInterruptAsFailure: true,
    endOnFailure: false,
  } as const;
}
