import { InFlightCalls } from './in-flight-calls';

describe('InFlightCalls', () => {
  it('aborts the one call a cancel names, in its scope only', () => {
    const calls = new InFlightCalls();
    const mine = calls.track('key:a', 1);
    const other = calls.track('key:b', 1);
    expect(calls.cancel('key:a', '1')).toBe(false);
    expect(calls.cancel('key:a', 1, 'stop')).toBe(true);
    expect(mine.signal.aborted).toBe(true);
    expect((mine.signal.reason as Error).message).toBe('stop');
    expect(other.signal.aborted).toBe(false);
  });

  it('cancels nothing when two calls share the id', () => {
    const calls = new InFlightCalls();
    const first = calls.track('key:a', 7);
    const second = calls.track('key:a', 7);
    expect(calls.cancel('key:a', 7)).toBe(false);
    expect(first.signal.aborted || second.signal.aborted).toBe(false);
    second.done();
    expect(calls.cancel('key:a', 7)).toBe(true);
    expect(first.signal.aborted).toBe(true);
  });

  it('follows the request signal until done, and forgets the call once done', () => {
    const calls = new InFlightCalls();
    const request = new AbortController();
    const call = calls.track('key:a', 2, request.signal);
    request.abort(new Error('client gone'));
    expect(call.signal.aborted).toBe(true);
    expect((call.signal.reason as Error).message).toBe('client gone');

    const later = new AbortController();
    const finished = calls.track('key:a', 3, later.signal);
    finished.done();
    later.abort();
    expect(finished.signal.aborted).toBe(false);
    expect(calls.cancel('key:a', 3)).toBe(false);

    const gone = new AbortController();
    gone.abort();
    expect(calls.track('key:a', 4, gone.signal).signal.aborted).toBe(true);
  });
});
