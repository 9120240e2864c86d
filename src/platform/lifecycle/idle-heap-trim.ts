import { runInNewContext } from 'node:vm';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** How far the heap V8 holds may grow past its size after the last trim (or at boot) before an idle trim runs. */
export const IDLE_TRIM_GROWTH_BYTES = 32 * 1024 * 1024;
/** Used heap moving less than this between two looks counts as idle (a quiet server allocates almost nothing). */
export const IDLE_ALLOCATION_BYTES = 1024 * 1024;

/** The heap's size as V8 reports it: what is in use, and what V8 holds (`heapTotal`, most of the RSS growth). */
export interface HeapSize {
  readonly used: number;
  readonly total: number;
}

function v8Heap(): HeapSize {
  const stats = getHeapStatistics();
  return { used: stats.used_heap_size, total: stats.total_heap_size };
}

/** V8's full collection: `--expose-gc` set at run time, read from a fresh context (the usual `global.gc`). */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Gives the memory of a load peak back once the server is quiet. V8 grows its heap under load and keeps what
 * it grew after its own collections; only a forced full collection hands the pages back, and a quiet server
 * never allocates enough to start any collection. Every `intervalMs` this looks at the heap: when the used
 * part has barely moved since the last look (idle) and the heap V8 holds is more than IDLE_TRIM_GROWTH_BYTES
 * above its size after the last trim (at boot, the first time), it runs one full collection. Under load the
 * used heap moves, so nothing runs and V8 collects as usual; a heap that stays large after a trim (live data)
 * becomes the new baseline, so trims never repeat on it.
 */
export class IdleHeapTrim {
  private timer?: NodeJS.Timeout;
  private previousUsed: number;
  private baselineTotal: number;
  /** Full collections this has run. */
  trims = 0;

  constructor(
    private readonly intervalMs = 2000,
    private readonly collect: () => void = fullCollection(),
    private readonly heap: () => HeapSize = v8Heap,
  ) {
    const now = heap();
    this.previousUsed = now.used;
    this.baselineTotal = now.total;
  }

  start(): this {
    this.timer ??= setInterval(() => this.look(), this.intervalMs).unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look (the timer's tick). */
  look(): void {
    const { used, total } = this.heap();
    const idle = Math.abs(used - this.previousUsed) < IDLE_ALLOCATION_BYTES;
    this.previousUsed = used;
    if (!idle || total - this.baselineTotal < IDLE_TRIM_GROWTH_BYTES) return;
    this.collect();
    this.trims++;
    const after = this.heap();
    this.previousUsed = after.used;
    this.baselineTotal = after.total;
  }
}
