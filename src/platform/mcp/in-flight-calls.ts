import { Injectable } from '@nestjs/common';

type RequestId = string | number;

/**
 * In-flight `tools/call` requests by caller scope and JSON-RPC id, so that `notifications/cancelled` can
 * reach a call served by another (stateless, per-request) server instance of this process. A cancel only
 * acts when exactly one in-flight call matches: two clients sharing a key may reuse ids, and cancelling
 * the wrong call would be worse than cancelling none.
 */
@Injectable()
export class InFlightCalls {
  private readonly calls = new Map<string, Set<AbortController>>();

  /**
   * Tracks one call until `done()`. Its signal aborts on a matching cancel, and also when `parent` (the
   * request's own signal) aborts: one signal for both, without `AbortSignal.any` per call.
   */
  track(scope: string, id: RequestId, parent?: AbortSignal): { readonly signal: AbortSignal; done(): void } {
    const key = `${scope}\u0000${typeof id}:${id}`;
    const controller = new AbortController();
    const follow = (): void => controller.abort(parent?.reason);
    if (parent?.aborted) follow();
    else parent?.addEventListener('abort', follow, { once: true });
    let entries = this.calls.get(key);
    if (!entries) {
      entries = new Set();
      this.calls.set(key, entries);
    }
    entries.add(controller);
    return {
      signal: controller.signal,
      done: () => {
        parent?.removeEventListener('abort', follow);
        entries.delete(controller);
        if (entries.size === 0 && this.calls.get(key) === entries) this.calls.delete(key);
      },
    };
  }

  /** Aborts the one matching call; returns false when none or several match. */
  cancel(scope: string, id: RequestId, reason?: string): boolean {
    const entries = this.calls.get(`${scope}\u0000${typeof id}:${id}`);
    if (!entries || entries.size !== 1) return false;
    const [controller] = entries;
    controller.abort(new Error(reason ?? 'cancelled by the client'));
    return true;
  }
}
