/** The reason a tool's signal carries when the call is cancelled: by the client, a disconnect or the request's end. */
export class CallCancelled extends Error {
  constructor(message = 'cancelled by the client') {
    super(message);
    this.name = 'CallCancelled';
  }
}

/**
 * The one abort of a tool call, whatever ends it: the client going away, a matching `notifications/cancelled`, the
 * request's own signal, the deadline. Its `AbortSignal` (what a tool reads as `ctx.signal`) is made only when
 * something asks for it: a signal costs more to make than most calls take, and most tools never read it.
 */
export class CallAbort {
  private controller: AbortController | undefined;
  private settle: ((reason: unknown) => void) | undefined;
  private abortedWith: { readonly reason: unknown } | undefined;

  get aborted(): boolean {
    return this.abortedWith !== undefined;
  }

  /** Why it was aborted (undefined until it is, or when aborted without a reason). */
  get reason(): unknown {
    return this.abortedWith?.reason;
  }

  /** The call's signal: aborted already, with the same reason, when asked for after the abort. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /** Cancels the call (once): its signal and race end with a CallCancelled, whoever asked. */
  cancel(message?: string): void {
    if (!this.abortedWith) this.abort(new CallCancelled(message));
  }

  /** Aborts once (later calls change nothing): the signal, and the work `race` waits for. */
  abort(reason?: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
    this.settle?.(reason);
  }

  /** Cancels when `signal` aborts (at once if it has); returns what stops following it. */
  follow(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => undefined;
    if (signal.aborted) {
      this.cancel();
      return () => undefined;
    }
    const onAbort = (): void => this.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }

  /**
   * `work`'s outcome, or a rejection with the abort's reason as soon as it aborts, whichever comes first. The work
   * itself is not stopped: it is told through the signal (if it asked for it) and may finish later. One race per call.
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.abortedWith) {
      work.catch(() => undefined);
      return Promise.reject(this.abortedWith.reason as Error);
    }
    return new Promise<T>((resolve, reject) => {
      this.settle = reject;
      work.then(resolve, reject);
    });
  }
}
