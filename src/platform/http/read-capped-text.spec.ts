import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readCappedText } from './read-capped-text';

describe('readCappedText', () => {
  let server: Server;
  let base: string;
  let endlessClosed: Promise<void>;

  beforeAll(async () => {
    let closed!: () => void;
    endlessClosed = new Promise((resolve) => (closed = resolve));
    server = createServer((request, response) => {
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000));
      } else if (request.url === '/endless') {
        // Chunked, no length: writes until the reader goes away.
        response.on('close', closed);
        const write = (): void => {
          while (!response.destroyed && response.write('y'.repeat(16_384)));
          if (!response.destroyed) response.once('drain', write);
        };
        write();
      } else {
        response.end('héllo');
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('answers the body as UTF-8 text when it fits', async () => {
    expect(await readCappedText(await fetch(`${base}/small`), 6)).toBe('héllo');
  });

  it('refuses a declared length over the cap', async () => {
    expect(await readCappedText(await fetch(`${base}/declared`), 1999)).toBeUndefined();
  });

  it('stops reading an endless body at the cap and lets the server see the reader leave', async () => {
    expect(await readCappedText(await fetch(`${base}/endless`), 100_000)).toBeUndefined();
    await endlessClosed;
  });
});
