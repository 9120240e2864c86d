import { CachedFigure } from './cached-figure';

describe('CachedFigure', () => {
  let clock: number;
  let fetches: number;
  let answer: () => Promise<number>;
  const figure = (): CachedFigure<number> =>
    new CachedFigure(
      () => {
        fetches += 1;
        return answer();
      },
      10_000,
      () => clock,
    );

  beforeEach(() => {
    clock = 0;
    fetches = 0;
    answer = async () => 42;
  });

  it('fetches once for a thousand concurrent callers, then answers from the cache until it is older than maxAge', async () => {
    const cached = figure();
    await expect(Promise.all(Array.from({ length: 1000 }, () => cached.get()))).resolves.toEqual(Array.from({ length: 1000 }, () => 42));
    expect(fetches).toBe(1);
    clock = 9_999;
    await cached.get();
    expect(fetches).toBe(1);
    clock = 10_000;
    await cached.get();
    expect(fetches).toBe(2);
  });

  it('keeps a failure as long as a figure, so an outage costs one attempt per period', async () => {
    const cached = figure();
    answer = async () => Promise.reject(new Error('database down'));
    for (let i = 0; i < 100; i++) await expect(cached.get()).rejects.toThrow('database down');
    expect(fetches).toBe(1);
    answer = async () => 7;
    clock = 10_000;
    await expect(cached.get()).resolves.toBe(7);
  });
});
