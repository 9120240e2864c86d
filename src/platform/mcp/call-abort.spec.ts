import { CallAbort, CallCancelled } from './call-abort';

describe('CallAbort', () => {
  it('makes no signal until asked, and a signal asked for after the abort is aborted with its reason', () => {
    const abort = new CallAbort();
    const reason = new Error('gone');
    abort.abort(reason);
    abort.abort(new Error('second'));
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe(reason);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  it('aborts a signal handed out earlier', () => {
    const abort = new CallAbort();
    const { signal } = abort;
    expect(signal.aborted).toBe(false);
    abort.abort('stop');
    expect(signal.reason).toBe('stop');
  });

  it('rejects the raced work with the reason as soon as it aborts, and lets finished work through', async () => {
    const pending = new CallAbort();
    const never = new Promise<string>(() => undefined);
    const raced = pending.race(never);
    pending.abort(new Error('deadline'));
    await expect(raced).rejects.toThrow('deadline');

    await expect(new CallAbort().race(Promise.resolve('done'))).resolves.toBe('done');
    await expect(new CallAbort().race(Promise.reject(new Error('tool broke')))).rejects.toThrow('tool broke');

    const early = new CallAbort();
    early.abort(new Error('before'));
    await expect(early.race(Promise.reject(new Error('ignored')))).rejects.toThrow('before');
  });

  it('cancels with a CallCancelled, whoever asks, and only once', () => {
    const abort = new CallAbort();
    const { signal } = abort;
    abort.cancel('the client went away');
    abort.cancel('again');
    abort.abort(new Error('deadline'));
    expect(signal.reason).toBeInstanceOf(CallCancelled);
    expect(signal.reason).toMatchObject({ name: 'CallCancelled', message: 'the client went away' });
    expect(new CallCancelled().message).toBe('cancelled by the client');
  });

  it('follows a signal until told to stop (cancelling), and takes one that has already aborted at once', () => {
    const parent = new AbortController();
    const following = new CallAbort();
    following.follow(parent.signal);
    parent.abort(new Error('request closed'));
    expect(following.reason).toBeInstanceOf(CallCancelled);

    const later = new AbortController();
    const stopped = new CallAbort();
    stopped.follow(later.signal)();
    later.abort();
    expect(stopped.aborted).toBe(false);

    const gone = new AbortController();
    gone.abort('early');
    const late = new CallAbort();
    late.follow(gone.signal);
    expect(late.reason).toBeInstanceOf(CallCancelled);
    expect(new CallAbort().follow(undefined)).toEqual(expect.any(Function));
  });
});
