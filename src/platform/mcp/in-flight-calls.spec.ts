import { CallAbort } from './call-abort';
import { InFlightCalls } from './in-flight-calls';

describe('InFlightCalls', () => {
  it('aborts the one call a cancel names, in its scope only', () => {
    const calls = new InFlightCalls();
    const mine = new CallAbort();
    const other = new CallAbort();
    calls.track('key:a', 1, mine);
    calls.track('key:b', 1, other);
    expect(calls.cancel('key:a', '1')).toBe(false);
    expect(calls.cancel('key:a', 1, 'stop')).toBe(true);
    expect(mine.signal.aborted).toBe(true);
    expect(mine.signal.reason).toMatchObject({ name: 'CallCancelled', message: 'stop' });
    expect(other.aborted).toBe(false);
  });

  it('cancels nothing when two calls share the id, and forgets a call once done', () => {
    const calls = new InFlightCalls();
    const first = new CallAbort();
    const second = new CallAbort();
    calls.track('key:a', 7, first);
    const secondDone = calls.track('key:a', 7, second);
    expect(calls.cancel('key:a', 7)).toBe(false);
    expect(first.aborted || second.aborted).toBe(false);
    secondDone();
    expect(calls.cancel('key:a', 7)).toBe(true);
    expect((first.reason as Error).message).toBe('cancelled by the client');
    expect(second.aborted).toBe(false);

    const finished = new CallAbort();
    calls.track('key:a', 3, finished)();
    expect(calls.cancel('key:a', 3)).toBe(false);
    expect(finished.aborted).toBe(false);
  });

  it('cancels a call when the request’s signal aborts, until the call is done', () => {
    const calls = new InFlightCalls();
    const request = new AbortController();
    const call = new CallAbort();
    calls.track('key:a', 2, call, request.signal);
    request.abort(new Error('client gone'));
    expect(call.reason).toMatchObject({ name: 'CallCancelled' });

    const later = new AbortController();
    const finished = new CallAbort();
    calls.track('key:a', 3, finished, later.signal)();
    later.abort();
    expect(finished.aborted).toBe(false);
  });
});
