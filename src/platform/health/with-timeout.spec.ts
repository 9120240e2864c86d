import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('answers what the work answers when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('down')), 50)).rejects.toThrow('down');
  });

  it('rejects once the time is up while the work still runs', async () => {
    const never = new Promise<number>(() => undefined);
    const started = Date.now();
    await expect(withTimeout(never, 30)).rejects.toThrow('timed out after 30 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
