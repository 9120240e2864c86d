import { CircuitBreaker, CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let states: CircuitState[];
  let breaker: CircuitBreaker;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    states = [];
    breaker = new CircuitBreaker({ failureThreshold: 3, resetMs: 10_000, onStateChange: (state) => states.push(state) });
  });
  afterEach(() => jest.useRealTimers());

  const fail = (times: number): void => {
    for (let i = 0; i < times; i += 1) {
      expect(breaker.acquire().allowed).toBe(true);
      breaker.failure();
    }
  };

  it('stays closed below the threshold; a success resets the count', () => {
    fail(2);
    breaker.success();
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual([]);
  });

  it('opens after the threshold of consecutive failures and refuses with the time left', () => {
    fail(3);
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(4_000);
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 6_000 });
    expect(states).toEqual(['open']);
  });

  it('lets exactly one probe through after the reset time; its success closes the circuit', () => {
    fail(3);
    jest.advanceTimersByTime(10_000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.acquire()).toEqual({ allowed: true, probe: true });
    expect(breaker.acquire()).toMatchObject({ allowed: false });
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.acquire()).toEqual({ allowed: true, probe: false });
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('reopens for a full reset period when the probe fails', () => {
    fail(3);
    jest.advanceTimersByTime(10_000);
    expect(breaker.acquire()).toEqual({ allowed: true, probe: true });
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 10_000 });
    jest.advanceTimersByTime(10_000);
    expect(breaker.acquire()).toEqual({ allowed: true, probe: true });
    expect(states).toEqual(['open', 'half_open', 'open', 'half_open']);
  });

  it('frees the probe slot when the probe ends without a verdict', () => {
    fail(3);
    jest.advanceTimersByTime(10_000);
    expect(breaker.acquire()).toMatchObject({ allowed: true, probe: true });
    breaker.release();
    expect(breaker.acquire()).toMatchObject({ allowed: true, probe: true });
  });

  it('ignores late outcomes of calls that started before it opened', () => {
    fail(3);
    breaker.success();
    breaker.failure();
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 10_000 });
  });
});
