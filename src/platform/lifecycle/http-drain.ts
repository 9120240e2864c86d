import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Drains an HTTP server for a graceful shutdown. Node's `server.close()` alone stops accepting and closes
 * idle connections, but a keep-alive connection with a request in flight gets `Connection: keep-alive` on
 * its answer and may carry further requests until its keep-alive timeout. `drain()` instead:
 * - stops accepting at once (new connections are refused) and closes idle connections;
 * - lets every request in flight run to the end of its response (a JSON answer or an SSE stream);
 * - answers it, and any request still arriving on an open connection, with `Connection: close`, and closes
 *   a connection once its last response is complete (also one whose headers were sent before the drain);
 * - resolves when no response is in flight, after destroying the connections left (idle, or a request
 *   still being received).
 * The caller bounds the wait (SHUTDOWN_TIMEOUT_SECONDS). Create it before `listen`.
 */
export class HttpDrain {
  private readonly sockets = new Set<Socket>();
  private readonly responses = new Map<Socket, Set<ServerResponse>>();
  private draining = false;
  private drained?: Promise<void>;
  private settle?: () => void;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.track(req.socket, res));
  }

  /** Responses not yet complete. */
  get inFlight(): number {
    let count = 0;
    for (const responses of this.responses.values()) count += responses.size;
    return count;
  }

  /** Starts draining (once) and resolves when the last response in flight is complete. */
  drain(): Promise<void> {
    this.drained ??= new Promise<void>((resolve) => {
      this.draining = true;
      this.settle = resolve;
      this.server.close();
      for (const responses of this.responses.values()) {
        for (const res of responses) this.closeAfter(res);
      }
      this.settleIfDone();
    });
    return this.drained;
  }

  private track(socket: Socket, res: ServerResponse): void {
    let responses = this.responses.get(socket);
    if (!responses) {
      responses = new Set();
      this.responses.set(socket, responses);
    }
    responses.add(res);
    if (this.draining) this.closeAfter(res);
    res.once('close', () => {
      responses.delete(res);
      if (responses.size > 0) return;
      this.responses.delete(socket);
      if (!this.draining) return;
      socket.end();
      this.settleIfDone();
    });
  }

  private closeAfter(res: ServerResponse): void {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  private settleIfDone(): void {
    if (this.responses.size > 0 || !this.settle) return;
    for (const socket of this.sockets) {
      if (!socket.writableEnded) socket.destroy();
    }
    this.settle();
  }
}
