import { connect, createServer, Server, Socket } from 'node:net';

/** One client connection and, once it is forwarded, its connection to the target. */
interface Link {
  readonly client: Socket;
  upstream?: Socket;
  flowing: boolean;
}

const ignore = (): void => undefined;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * A TCP proxy on a loopback port in front of a real server (PostgreSQL, an HTTP upstream), for fault
 * injection without touching the server itself:
 * - `cut()` closes every open connection on both sides (what `pg_terminate_backend` or a dropped link looks like);
 * - `refuse()` stops listening: new connections get ECONNREFUSED, as from a server that is down;
 * - `blackhole()` stalls every connection, open or new: bytes are accepted and never forwarded (a hang);
 * - `resume()` listens again on the same port and lets stalled connections flow.
 *
 * @example
 * const proxy = await TcpProxy.start(5432);
 * // point the app at proxy.port, then:
 * proxy.refuse();
 * proxy.cut();
 * await proxy.resume();
 * await proxy.close();
 */
export class TcpProxy {
  /** The loopback port the proxy listens on (kept across `refuse()` and `resume()`). */
  port = 0;
  /** Connections accepted since the start. */
  accepted = 0;
  private readonly links = new Set<Link>();
  private server?: Server;
  private stalled = false;

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {}

  /** Listens on a free loopback port and forwards to `targetHost:targetPort`. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort, targetHost);
    proxy.port = await listen(proxy.newServer(), 0);
    return proxy;
  }

  /** Connections open right now. */
  get open(): number {
    return this.links.size;
  }

  /** Closes every open connection on both sides; new connections are still accepted. */
  cut(): void {
    for (const link of this.links) this.drop(link);
  }

  /** Stops accepting: connecting to the port fails with ECONNREFUSED. Open connections stay (see `cut`). */
  refuse(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** Open and new connections stop moving bytes in either direction until `resume()`. */
  blackhole(): void {
    this.stalled = true;
    for (const link of this.links) {
      link.flowing = false;
      link.client.unpipe();
      link.upstream?.unpipe();
      link.client.pause();
      link.upstream?.pause();
    }
  }

  /** Accepts again (same port) and forwards everything, including what stalled connections held. */
  async resume(): Promise<void> {
    this.stalled = false;
    for (const link of this.links) this.forward(link);
    if (!this.server) await listen(this.newServer(), this.port);
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private newServer(): Server {
    const server = createServer({ pauseOnConnect: true }, (client) => this.accept(client));
    this.server = server;
    return server;
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    const link: Link = { client, flowing: false };
    this.links.add(link);
    client.on('error', ignore);
    client.on('close', () => this.drop(link));
    if (!this.stalled) this.forward(link);
  }

  private forward(link: Link): void {
    if (link.flowing) return;
    link.flowing = true;
    if (!link.upstream) {
      const upstream = connect(this.targetPort, this.targetHost);
      link.upstream = upstream;
      upstream.on('error', ignore);
      upstream.on('close', () => this.drop(link));
    }
    link.client.pipe(link.upstream);
    link.upstream.pipe(link.client);
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream?.destroy();
  }
}
