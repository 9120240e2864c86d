import { AxiosError, AxiosHeaders, AxiosResponse } from 'axios';
import { classifyFailure, MAX_RETRY_AFTER_MS, parseRetryAfterMs, retryAfterSeconds, retryDelayMs } from './upstream-retry-policy';

const withStatus = (status: number): AxiosError =>
  new AxiosError('status', 'ERR_BAD_RESPONSE', undefined, undefined, { status, headers: {}, config: { headers: new AxiosHeaders() } } as AxiosResponse);

describe('upstream retry policy', () => {
  it.each([
    [withStatus(500), 'status'],
    [withStatus(503), 'status'],
    [withStatus(429), 'status'],
    [withStatus(404), 'other'],
    [withStatus(400), 'other'],
    [new AxiosError('timeout of 300ms exceeded', 'ETIMEDOUT'), 'timeout'],
    [new AxiosError('timeout', 'ECONNABORTED'), 'timeout'],
    [new AxiosError('socket hang up', 'ECONNRESET'), 'network'],
    [new AxiosError('refused', 'ECONNREFUSED'), 'network'],
    [new AxiosError('canceled', 'ERR_CANCELED'), 'cancelled'],
    [new AxiosError('maxContentLength size of 1024 exceeded', 'ERR_BAD_RESPONSE'), 'too_large'],
    [new AxiosError('Invalid URL', 'ERR_INVALID_URL'), 'other'],
    [new Error('boom'), 'other'],
  ])('classifies %s as %s', (error, expected) => {
    expect(classifyFailure(error)).toBe(expected);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-1', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with at most 25 % jitter', () => {
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, 0.5, undefined, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(2, 0.5, undefined, () => 1)).toBe(1250);
    for (let i = 0; i < 100; i += 1) {
      const delay = retryDelayMs(3, 0.1);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(500);
    }
  });

  it('waits for Retry-After when longer, never more than the cap', () => {
    expect(retryDelayMs(1, 0.01, 2000, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 0.01, 3_600_000, () => 0)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(1, 4, 1000, () => 0)).toBe(4000);
  });

  it('turns any Retry-After into a hint of 1 s to an hour, a hostile Infinity included', () => {
    expect(retryAfterSeconds(undefined)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(2_500)).toBe(3);
    expect(retryAfterSeconds(parseRetryAfterMs('9'.repeat(400)))).toBe(3600);
  });
});
