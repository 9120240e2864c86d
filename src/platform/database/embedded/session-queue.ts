import type { PGlite } from '@electric-sql/pglite';

/** What the queue needs of PGlite. */
export type SessionDatabase = Pick<PGlite, 'execProtocolRawStream' | 'isInTransaction' | 'runExclusive'>;

interface QueuedMessage {
  readonly kind: 'message';
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: unknown) => void;
}

/** A connection that left: whatever it holds of the session is ended in its turn. */
interface Departure {
  readonly kind: 'departure';
  readonly handlerId: number;
  readonly done: () => void;
}

type Queued = QueuedMessage | Departure;

const code = (letter: string): number => letter.charCodeAt(0);
/** Parse, Bind, Describe, Execute, Close, Flush: they open (or continue) an extended-protocol cycle. */
const EXTENDED_MESSAGES: ReadonlySet<number> = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map(code));
const SYNC = code('S');
const TERMINATE = code('X');
/** A frontend Sync message: type byte and its own length (4). */
const SYNC_MESSAGE = Uint8Array.of(SYNC, 0, 0, 0, 4);
/** A frontend simple Query message `ROLLBACK`: type byte, length (itself, text, NUL), text, NUL. */
const ROLLBACK_MESSAGE = Uint8Array.from(Buffer.from('Q\0\0\0\x0dROLLBACK\0', 'latin1'));
const ignore = (): void => undefined;

/**
 * The order in which the connections of pglite-socket's server take turns on PGlite's ONE session, one
 * protocol message at a time. It replaces the socket server's own queue (same methods; its connection
 * handlers take the queue from the server when they are created), which keeps a connection exclusive only
 * inside a transaction, so that the extended-protocol messages of two connections interleaved and one's
 * unnamed prepared statement or portal replaced the other's.
 *
 * Here a connection that sends Parse, Bind, Describe, Execute, Close or Flush holds the session until its
 * Sync has run (its whole cycle), and while a transaction block it opened is open (as before). Otherwise
 * messages run first come, first served, so after its Sync a connection waits behind the others. A
 * connection that leaves mid-cycle gets a Sync run on its behalf (this ends the error state in which the
 * session ignores everything until a Sync, and commits its implicit transaction as the next connection's
 * Sync used to), then the others go on. COPY FROM STDIN needs no turn of its own: PGlite cannot serve it
 * over the wire at all (it shuts its database down).
 */
export class SessionQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection whose extended-protocol cycle is open: only its messages run until its Sync. */
  private cycleOwner?: number;
  /** The connection whose message runs or ran last: it keeps the session while a transaction block is open. */
  private lastHandlerId?: number;
  /** Departures not yet run, by connection: what `clearTransactionIfNeeded` waits for. */
  private readonly departures = new Map<number, Promise<void>>();

  constructor(private readonly db: SessionDatabase) {}

  /** Runs one protocol message of a connection in its turn; resolves with the bytes answered. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'message', handlerId, message, onData, resolve, reject });
      this.startDrain();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /**
   * A connection left: its waiting messages are refused. If its message runs or ran last, its departure
   * is queued first: in its turn it ends the connection's open cycle with a Sync and rolls back a
   * transaction block it left open, so that the session is free and clean for the others.
   */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((queued) => {
      if (queued.handlerId !== handlerId) return true;
      if (queued.kind === 'message') queued.reject(new Error('Handler disconnected'));
      return false;
    });
    if (this.lastHandlerId !== handlerId || this.departures.has(handlerId)) return;
    const departed = new Promise<void>((done) => this.queue.unshift({ kind: 'departure', handlerId, done }));
    this.departures.set(handlerId, departed);
    this.startDrain();
  }

  /** After `clearQueueForHandler`: resolves once the connection's departure has run. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    await this.departures.get(handlerId);
  }

  /** What may run now: the holder's next item while the session is held, else the oldest. */
  private next(): Queued | undefined {
    const holder = this.cycleOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : undefined);
    if (holder === undefined) return this.queue.shift();
    const index = this.queue.findIndex((queued) => queued.handlerId === holder);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  /** Drains in the background; a failure outside any one message (PGlite closed under it) must not be an unhandled rejection. */
  private startDrain(): void {
    this.drain().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let queued = this.next(); queued; queued = this.next()) {
        if (queued.kind === 'message') await this.run(queued);
        else await this.depart(queued);
      }
    } finally {
      this.processing = false;
    }
  }

  private async run(queued: QueuedMessage): Promise<void> {
    const type = queued.message[0];
    this.lastHandlerId = queued.handlerId;
    if (EXTENDED_MESSAGES.has(type)) this.cycleOwner = queued.handlerId;
    else if (type === SYNC || type === TERMINATE) this.cycleOwner = undefined;
    let bytes = 0;
    try {
      await this.execute(queued.message, (data) => {
        bytes += data.length;
        queued.onData(data);
      });
    } catch (error) {
      queued.reject(error);
      return;
    }
    queued.resolve(bytes);
  }

  private async depart(departure: Departure): Promise<void> {
    const { handlerId } = departure;
    try {
      if (this.cycleOwner === handlerId) await this.execute(SYNC_MESSAGE, ignore);
      if (this.lastHandlerId === handlerId && this.db.isInTransaction()) await this.execute(ROLLBACK_MESSAGE, ignore);
    } catch {
      // PGlite failed on a Sync or ROLLBACK: nothing more can be done for a connection that is gone
    } finally {
      if (this.cycleOwner === handlerId) this.cycleOwner = undefined;
      if (this.lastHandlerId === handlerId) this.lastHandlerId = undefined;
      this.departures.delete(handlerId);
      departure.done();
    }
  }

  private execute(message: Uint8Array, onRawData: (data: Uint8Array) => void): Promise<void> {
    return this.db.runExclusive(() => this.db.execProtocolRawStream(message, { onRawData }));
  }
}
