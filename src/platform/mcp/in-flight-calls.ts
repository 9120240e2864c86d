import { Injectable } from '@nestjs/common';
import { CallAbort } from './call-abort';

type RequestId = string | number;

/**
 * In-flight `tools/call` requests by caller scope and JSON-RPC id, so that `notifications/cancelled` can
 * reach a call served by another (stateless, per-request) server instance of this process. A cancel only
 * acts when exactly one in-flight call matches: two clients sharing a key may reuse ids, and cancelling
 * the wrong call would be worse than cancelling none.
 */
@Injectable()
export class InFlightCalls {
  private readonly calls = new Map<string, Set<CallAbort>>();

  /**
   * Tracks one call's abort until the returned function is called: a matching cancel cancels it, and so does
   * `parent` (the request's own signal) when it aborts.
   */
  track(scope: string, id: RequestId, abort: CallAbort, parent?: AbortSignal): () => void {
    const key = `${scope}\u0000${typeof id}:${id}`;
    const unfollow = abort.follow(parent);
    let entries = this.calls.get(key);
    if (!entries) {
      entries = new Set();
      this.calls.set(key, entries);
    }
    entries.add(abort);
    const tracked = entries;
    return () => {
      unfollow();
      tracked.delete(abort);
      if (tracked.size === 0 && this.calls.get(key) === tracked) this.calls.delete(key);
    };
  }

  /** Aborts the one matching call; returns false when none or several match. */
  cancel(scope: string, id: RequestId, reason?: string): boolean {
    const entries = this.calls.get(`${scope}\u0000${typeof id}:${id}`);
    if (!entries || entries.size !== 1) return false;
    const [abort] = entries;
    abort.cancel(reason);
    return true;
  }
}
