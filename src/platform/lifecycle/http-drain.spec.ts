import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { sleep, waitFor } from '../../../test/support/wait';
import { HttpDrain } from './http-drain';

interface RawClient {
  /** Everything the server sent so far. */
  text(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
  send(request: string): void;
}

function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => resolve({ text: () => text, closed, isClosed: () => isClosed, send: (r) => socket.write(r) }));
    let text = '';
    let isClosed = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done();
      }),
    );
  });
}

/** Whether a new connection is accepted or refused. */
function tryConnect(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.on('error', () => resolve('refused'));
  });
}

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

describe('HttpDrain', () => {
  let server: Server;
  let drain: HttpDrain;
  let port: number;
  /** Responses the handler holds open until the test ends them. */
  const held: ServerResponse[] = [];

  beforeEach(async () => {
    server = createServer((req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('data: first\n\n');
      }
      if (req.url === '/fast') res.end('fast');
      else held.push(res);
    });
    drain = new HttpDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    held.length = 0;
    server.closeAllConnections();
    server.close();
  });

  it('refuses new connections at once and resolves only when the response in flight is complete', async () => {
    const client = await rawClient(port);
    client.send(GET('/slow'));
    await waitFor(() => held.length === 1, 2000, 'the request to reach the handler');
    expect(drain.inFlight).toBe(1);

    let drained = false;
    const done = drain.drain().then(() => (drained = true));
    expect(await tryConnect(port)).toBe('refused');
    expect(server.listening).toBe(false);
    await sleep(50);
    expect(drained).toBe(false);

    held[0].end('slow answer');
    await done;
    await client.closed;
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.text()).toContain('Connection: close\r\n');
    expect(client.text()).toMatch(/slow answer$/);
    expect(drain.inFlight).toBe(0);
  }, 5000);

  it('lets a response already streaming finish in full, then closes its keep-alive connection', async () => {
    const client = await rawClient(port);
    client.send(GET('/stream'));
    await waitFor(() => client.text().includes('data: first'), 2000, 'the first event');
    expect(client.text()).toContain('Connection: keep-alive\r\n');

    const done = drain.drain();
    held[0].write('data: second\n\n');
    held[0].end();
    await done;
    await client.closed;
    expect(client.text()).toMatch(/data: first\n\n[\s\S]*data: second\n\n/);
  }, 5000);

  it('closes idle keep-alive connections at once, busy ones after their answer', async () => {
    const idle = await rawClient(port);
    idle.send(GET('/fast'));
    await waitFor(() => idle.text().endsWith('fast'), 2000, 'the fast answer');
    const busy = await rawClient(port);
    busy.send(GET('/slow'));
    await waitFor(() => held.length === 1, 2000, 'the request to reach the handler');

    const done = drain.drain();
    await idle.closed;
    expect(busy.isClosed()).toBe(false);
    held[0].end('slow answer');
    await done;
    await busy.closed;
    expect(busy.text()).toContain('Connection: close\r\n');
    expect(busy.text()).toMatch(/slow answer$/);
  }, 5000);

  it('resolves at once when nothing is in flight', async () => {
    const idle = await rawClient(port);
    idle.send(GET('/fast'));
    await waitFor(() => idle.text().endsWith('fast'), 2000, 'the fast answer');
    await drain.drain();
    await idle.closed;
    expect(idle.isClosed()).toBe(true);
  }, 5000);
});
