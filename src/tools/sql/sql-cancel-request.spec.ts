import { createServer, Server } from 'node:net';
import { sendCancelRequest } from './sql-cancel-request';

describe('sendCancelRequest', () => {
  let server: Server;
  let port: number;
  const received: Buffer[] = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => {
        received.push(Buffer.concat(chunks));
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the 16-byte CancelRequest with the backend pid and secret key', async () => {
    expect(await sendCancelRequest({ host: '127.0.0.1', port, processID: 4242, secretKey: -7 })).toBe(true);
    const message = received[0];
    expect(message).toHaveLength(16);
    expect([message.readInt32BE(0), message.readInt32BE(4), message.readInt32BE(8), message.readInt32BE(12)]).toEqual([
      16, 80_877_102, 4242, -7,
    ]);
  });

  it('resolves false, without throwing, when there is nothing to cancel or nobody listens', async () => {
    expect(await sendCancelRequest({ host: '127.0.0.1', port, processID: null, secretKey: null })).toBe(false);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await sendCancelRequest({ host: '127.0.0.1', port: deadPort, processID: 1, secretKey: 2 })).toBe(false);
  });
});
