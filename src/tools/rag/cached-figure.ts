/**
 * A figure worth asking a backend for at most once per `maxAgeMs` (a count for `/health`): callers within
 * that time share the last outcome, and callers while it is being fetched share that one fetch
 * (single flight). A failure is an outcome too, kept as long, so a flood during an outage costs one
 * attempt per period rather than one per caller.
 */
export class CachedFigure<T> {
  private outcome?: { readonly settled: Promise<T>; readonly at: number };
  private pending?: Promise<T>;

  constructor(
    private readonly fetch: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<T> {
    if (this.outcome && this.now() - this.outcome.at < this.maxAgeMs) return this.outcome.settled;
    this.pending ??= this.refresh();
    return this.pending;
  }

  private refresh(): Promise<T> {
    const settled = Promise.resolve().then(this.fetch);
    const remember = (): void => {
      this.outcome = { settled, at: this.now() };
      this.pending = undefined;
    };
    settled.then(remember, remember);
    return settled;
  }
}
