/** `closed`: calls go through; `open`: calls are answered at once; `half_open`: one probe call goes through. */
export type CircuitState = 'closed' | 'half_open' | 'open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before it lets one probe through. */
  readonly resetMs: number;
  readonly now?: () => number;
  readonly onStateChange?: (state: CircuitState) => void;
}

/** Whether a call may go out; `probe` when it is the half-open probe whose outcome decides the state. */
export type CircuitPermit = { readonly allowed: true; readonly probe: boolean } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * A consecutive-failure circuit breaker for one upstream. Callers ask `acquire()` before a call and report
 * its outcome with `success()` or `failure()` (only failures that say the upstream is unwell: network
 * errors, timeouts, 5xx), or `release()` when the call ended without telling either way (cancelled, a 4xx
 * answer to a half-open probe counts as success: the upstream answered).
 *
 * closed --(threshold consecutive failures)--> open --(resetMs)--> half_open: one probe;
 * probe success --> closed, probe failure --> open again. Calls while the probe is out are refused.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeOut = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The state now (an open circuit past its reset time reads as half_open). */
  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.resetMs) this.transition('half_open');
    return this.current;
  }

  acquire(): CircuitPermit {
    switch (this.state) {
      case 'closed':
        return { allowed: true, probe: false };
      case 'open':
        return { allowed: false, retryAfterMs: Math.max(0, this.openedAt + this.options.resetMs - this.now()) };
      case 'half_open':
        if (this.probeOut) return { allowed: false, retryAfterMs: Math.min(this.options.resetMs, 1000) };
        this.probeOut = true;
        return { allowed: true, probe: true };
    }
  }

  success(): void {
    if (this.current === 'open') return;
    this.failures = 0;
    this.probeOut = false;
    this.transition('closed');
  }

  failure(): void {
    if (this.current === 'open') return;
    this.failures += 1;
    if (this.current === 'half_open' || this.failures >= this.options.failureThreshold) {
      this.probeOut = false;
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  /** The call ended without a verdict (e.g. the caller cancelled): frees the half-open probe slot. */
  release(): void {
    if (this.current === 'half_open') this.probeOut = false;
  }

  private transition(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
