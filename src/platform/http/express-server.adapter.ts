import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * Nest's Express adapter, except that the HTTP server makes its request and response objects with Express's
 * prototypes from the start (`createServer({ IncomingMessage, ServerResponse })`). Express's `app.handle` and the
 * direct `/mcp` route then find the prototype already in place instead of swapping it on every request, which
 * V8 pays for on each object (and on every later property access of it). Nothing else changes: the same app
 * is the server's request listener.
 */
export class ExpressServerAdapter extends ExpressAdapter {
  override initHttpServer(options: Parameters<ExpressAdapter['initHttpServer']>[0]): void {
    // HTTPS and connection tracking (neither is used here) keep Nest's own server.
    if (options?.httpsOptions || options?.forceCloseConnections) return super.initHttpServer(options);
    const app = this.getInstance<Express>();
    this.httpServer = createServer({ IncomingMessage: requestClass(app), ServerResponse: responseClass(app) }, app) as Server;
  }
}

/** A request constructor whose instances have the app's request prototype (which inherits IncomingMessage's). */
function requestClass(app: Express): typeof IncomingMessage {
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    IncomingMessage.call(this, socket);
  }
  ExpressRequest.prototype = app.request;
  return ExpressRequest as unknown as typeof IncomingMessage;
}

/** A response constructor whose instances have the app's response prototype (which inherits ServerResponse's). */
function responseClass(app: Express): typeof ServerResponse {
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  ExpressResponse.prototype = app.response;
  return ExpressResponse as unknown as typeof ServerResponse;
}
