import { getHeapStatistics } from 'node:v8';
import { IDLE_ALLOCATION_BYTES, IDLE_TRIM_GROWTH_BYTES, IdleHeapTrim } from './idle-heap-trim';

const MB = 1024 * 1024;

describe('IdleHeapTrim', () => {
  /** Each look reads one entry: [used, total] in MB. */
  function trimmer(heap: [number, number][]): { trim: IdleHeapTrim; collections: () => number } {
    let collections = 0;
    let index = 0;
    const trim = new IdleHeapTrim(
      1000,
      () => {
        collections++;
      },
      () => {
        const [used, total] = heap[Math.min(index++, heap.length - 1)];
        return { used: used * MB, total: total * MB };
      },
    );
    return { trim, collections: () => collections };
  }

  it('collects once when the heap grew past the threshold and then stopped moving', () => {
    // 50 MB at boot (read by the constructor), then a load peak, then quiet.
    const { trim, collections } = trimmer([[50, 80], [120, 150], [180, 220], [66, 220], [66, 220], [45, 90], [45, 90], [45, 90]]);
    trim.look(); // used 120: moving
    trim.look(); // used 180: moving
    trim.look(); // V8's own collection: used 66 but V8 still holds 220
    expect(collections()).toBe(0);
    trim.look(); // used 66 again: idle, 140 MB above boot → collect (45 / 90 after)
    expect(collections()).toBe(1);
    trim.look(); // idle, the baseline is now 90
    trim.look();
    expect(collections()).toBe(1);
  });

  it('never collects while the heap keeps moving (load), whatever its size', () => {
    const { trim, collections } = trimmer([[50, 80], [100, 150], [150, 200], [200, 250], [260, 300]]);
    for (let i = 0; i < 4; i++) trim.look();
    expect(collections()).toBe(0);
  });

  it('does not repeat on a heap that stays large after a trim (live data)', () => {
    const { trim, collections } = trimmer([[50, 80], [150, 200], [150, 200], [150, 200], [150, 200], [150, 200]]);
    for (let i = 0; i < 5; i++) trim.look();
    expect(collections()).toBe(1);
  });

  it('leaves a quiet heap alone below the growth threshold', () => {
    const total = 80 + IDLE_TRIM_GROWTH_BYTES / MB - 1;
    const { trim, collections } = trimmer([[50, 80], [60, total], [60 + IDLE_ALLOCATION_BYTES / MB / 2, total], [60, total]]);
    for (let i = 0; i < 3; i++) trim.look();
    expect(collections()).toBe(0);
  });

  it('runs a real full collection by default: garbage of a quiet heap is gone after one look', () => {
    const trim = new IdleHeapTrim(60_000);
    let garbage: string[] | undefined = [];
    for (let i = 0; i < 800_000; i++) garbage.push(`${i}`.padEnd(64, 'x'));
    garbage = undefined;
    const before = getHeapStatistics();
    trim.look(); // the heap moved since construction: not idle yet
    trim.look(); // idle and grown: collects
    expect(trim.trims).toBe(1);
    const after = getHeapStatistics();
    expect(after.used_heap_size).toBeLessThan(before.used_heap_size - 16 * MB);
    expect(after.total_heap_size).toBeLessThan(before.total_heap_size);
  });
});
