import { FixedWindowMemoryStorage } from './fixed-window-memory.storage';

describe('FixedWindowMemoryStorage', () => {
  let storage: FixedWindowMemoryStorage;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    storage = new FixedWindowMemoryStorage();
  });
  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('counts hits in a fixed window and blocks exactly after the limit', async () => {
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await storage.increment('key:primary', 60_000, 3, 60_000, 'default'));
    expect(results.map((r) => [r.totalHits, r.isBlocked])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect(results[3].timeToBlockExpire).toBe(60);
  });

  it('keeps keys and throttler names apart', async () => {
    await storage.increment('key:primary', 60_000, 1, 60_000, 'default');
    expect((await storage.increment('key:secondary', 60_000, 1, 60_000, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('key:primary', 60_000, 1, 60_000, 'other')).isBlocked).toBe(false);
  });

  it('stays blocked for the block duration, then starts a fresh window', async () => {
    for (let i = 0; i < 3; i += 1) await storage.increment('k', 60_000, 2, 60_000, 'default');
    jest.advanceTimersByTime(30_000);
    const during = await storage.increment('k', 60_000, 2, 60_000, 'default');
    expect(during).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    jest.advanceTimersByTime(30_001);
    expect(await storage.increment('k', 60_000, 2, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('forgets expired windows when it sweeps', async () => {
    await storage.increment('gone', 1_000, 5, 1_000, 'default');
    jest.advanceTimersByTime(61_000);
    expect((await storage.increment('gone', 1_000, 5, 1_000, 'default')).totalHits).toBe(1);
  });
});
