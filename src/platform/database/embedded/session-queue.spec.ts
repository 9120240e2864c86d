import { SessionDatabase, SessionQueue } from './session-queue';

/**
 * PGlite itself cannot load in jest's module sandbox (it imports its WASM dynamically), so the order of
 * turns is checked here against a stand-in session that records what it ran, with the transaction block
 * state PGlite would report; test/e2e/embedded-extended-protocol.e2e-spec.ts drives the real one.
 */
class RecordingSession implements SessionDatabase {
  /** Messages in the order they ran: type letter, and the text of a simple Query. */
  readonly ran: string[] = [];
  private inBlock = false;

  isInTransaction(): boolean {
    return this.inBlock;
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async execProtocolRawStream(message: Uint8Array, options?: { onRawData?: (data: Uint8Array) => void }): Promise<void> {
    await Promise.resolve();
    const type = String.fromCharCode(message[0]);
    const text = type === 'Q' ? Buffer.from(message.subarray(5, -1)).toString() : '';
    this.ran.push(text ? `Q ${text}` : type);
    if (text === 'FAIL') throw new Error('PGlite failed');
    if (text === 'BEGIN') this.inBlock = true;
    if (text === 'COMMIT' || text === 'ROLLBACK') this.inBlock = false;
    options?.onRawData?.(Uint8Array.of(message[0]));
  }
}

const message = (type: string): Uint8Array => Uint8Array.of(type.charCodeAt(0), 0, 0, 0, 4);
const query = (text: string): Uint8Array => {
  const bytes = Buffer.from(`Q....${text}\0`);
  bytes.writeInt32BE(bytes.length - 1, 1);
  return new Uint8Array(bytes);
};
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SessionQueue (turns of several connections on the one PGlite session)', () => {
  let session: RecordingSession;
  let queue: SessionQueue;
  /** `<connection>:<label>` in the order the messages were answered. */
  let answered: string[];

  const send = (connection: number, label: string, sent = label.length === 1 ? message(label) : query(label)): Promise<number> =>
    queue.enqueue(connection, sent, () => undefined).then((bytes) => {
      answered.push(`${connection}:${label}`);
      return bytes;
    });
  const leave = (connection: number): Promise<void> => {
    queue.clearQueueForHandler(connection);
    return queue.clearTransactionIfNeeded(connection);
  };

  beforeEach(() => {
    session = new RecordingSession();
    queue = new SessionQueue(session);
    answered = [];
  });

  it('keeps a connection exclusive from its Parse to its Sync: the other connection waits for its turn', async () => {
    // As the socket server hands them over when two connections write at once.
    await Promise.all(['P', 'B', 'D', 'E', 'S'].flatMap((type) => [send(1, type), send(2, type)]));
    expect(answered).toEqual(['1:P', '1:B', '1:D', '1:E', '1:S', '2:P', '2:B', '2:D', '2:E', '2:S']);
  });

  it('counts Close and Flush as part of a cycle, and answers with the bytes the session sent', async () => {
    const answers = await Promise.all([send(1, 'C'), send(2, 'SELECT 2'), send(1, 'H'), send(1, 'S')]);
    expect(answered).toEqual(['1:C', '1:H', '1:S', '2:SELECT 2']);
    expect(answers).toEqual([1, 1, 1, 1]);
  });

  it('waits for the rest of an open cycle that has not arrived yet', async () => {
    await send(1, 'P');
    const other = send(2, 'SELECT 2');
    await turn();
    expect(answered).toEqual(['1:P']);
    await Promise.all([send(1, 'B'), send(1, 'E'), send(1, 'S'), other]);
    expect(answered).toEqual(['1:P', '1:B', '1:E', '1:S', '2:SELECT 2']);
  });

  it('is first come, first served between cycles: after its Sync a connection queues behind the others', async () => {
    await Promise.all([send(1, 'P'), send(2, 'SELECT 2'), send(1, 'S'), send(1, 'SELECT 3'), send(3, 'P'), send(3, 'S')]);
    expect(answered).toEqual(['1:P', '1:S', '2:SELECT 2', '1:SELECT 3', '3:P', '3:S']);
  });

  it('treats a simple Query as complete in itself', async () => {
    await Promise.all([send(1, 'SELECT 1'), send(2, 'SELECT 2'), send(1, 'SELECT 3')]);
    expect(answered).toEqual(['1:SELECT 1', '2:SELECT 2', '1:SELECT 3']);
  });

  it('keeps a transaction block exclusive until it ends, across cycles', async () => {
    await send(1, 'BEGIN');
    const other = send(2, 'SELECT 2');
    await Promise.all([send(1, 'P'), send(1, 'S')]);
    await turn();
    expect(answered).toEqual(['1:BEGIN', '1:P', '1:S']);
    await Promise.all([send(1, 'COMMIT'), other]);
    expect(answered.slice(3)).toEqual(['1:COMMIT', '2:SELECT 2']);
  });

  it('ends the open cycle of a connection that leaves with a Sync of its own, drops what it had queued, then serves the others', async () => {
    const running = send(1, 'P');
    const dropped = [queue.enqueue(1, message('B'), () => undefined), queue.enqueue(1, message('E'), () => undefined)];
    const other = send(2, 'SELECT 2');
    await leave(1);
    await running;
    for (const message of dropped) await expect(message).rejects.toThrow('Handler disconnected');
    await other;
    expect(session.ran).toEqual(['P', 'S', 'Q SELECT 2']);
    expect(queue.getQueueLength()).toBe(0);
  });

  it('rolls back a transaction block the connection left open, mid-cycle or not', async () => {
    await Promise.all([send(1, 'BEGIN'), send(1, 'P'), send(1, 'E')]);
    const other = send(2, 'SELECT 2');
    await leave(1);
    await other;
    expect(session.ran).toEqual(['Q BEGIN', 'P', 'E', 'S', 'Q ROLLBACK', 'Q SELECT 2']);
    expect(session.isInTransaction()).toBe(false);

    await send(3, 'BEGIN');
    await leave(3);
    expect(session.ran.slice(-2)).toEqual(['Q BEGIN', 'Q ROLLBACK']);
  });

  it('cleans up after a message that was running when its connection left', async () => {
    const running = send(1, 'BEGIN');
    const left = leave(1);
    await Promise.all([running, left]);
    expect(session.ran).toEqual(['Q BEGIN', 'Q ROLLBACK']);
    expect(session.isInTransaction()).toBe(false);
  });

  it('needs nothing run for a connection that held nothing', async () => {
    await send(1, 'SELECT 1');
    await send(2, 'SELECT 2');
    await leave(1);
    expect(session.ran).toEqual(['Q SELECT 1', 'Q SELECT 2']);
  });

  it('goes on with the others after PGlite fails on a message', async () => {
    const failed = send(1, 'FAIL');
    const other = send(2, 'SELECT 2');
    await expect(failed).rejects.toThrow('PGlite failed');
    await other;
    expect(answered).toEqual(['2:SELECT 2']);
  });
});
