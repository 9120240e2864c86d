import type { Server } from 'node:http';

/**
 * How often Node compares open connections with the headers and request timeouts. Node checks only every
 * `connectionsCheckingInterval` (30 s by default), so a 15 s headers timeout could let a slow client hold a
 * connection for 45 s; checking every second enforces each timeout within a second of its value.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1000;

/** The HTTP server's timeouts, in seconds (HTTP_HEADERS_TIMEOUT_SECONDS and its neighbours). */
export interface HttpTimeouts {
  /** To receive the request line and headers; then 408 and the connection closes. */
  readonly headersSeconds: number;
  /** To receive the whole request, body included; then 408. Not a bound on the time to answer. */
  readonly requestSeconds: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveSeconds: number;
}

/**
 * Sets the timeouts that keep a slow client (headers or body dribbled byte by byte) from holding a
 * connection. Call it before `listen`: Node reads the checking interval when the server starts listening.
 *
 * @example
 * applyHttpTimeouts(app.getHttpServer(), { headersSeconds: 15, requestSeconds: 60, keepAliveSeconds: 5 });
 * await app.listen(port, host);
 */
export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts): void {
  server.headersTimeout = timeouts.headersSeconds * 1000;
  server.requestTimeout = timeouts.requestSeconds * 1000;
  server.keepAliveTimeout = timeouts.keepAliveSeconds * 1000;
  // A documented `createServer` option that Node keeps as a property and reads on 'listening'; the
  // type declarations list it as an option only.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CONNECTIONS_CHECK_INTERVAL_MS;
}
