import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-ID';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithId = IncomingMessage & { id?: unknown };

/** The caller's X-Request-ID when it is well-formed, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && VALID_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Gives the request its id (once) and echoes it in the response header; returns the id. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const withId = req as WithId;
  if (typeof withId.id !== 'string') {
    withId.id = requestIdFrom(req.headers[REQUEST_ID_HEADER.toLowerCase()]);
    if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, withId.id as string);
  }
  return withId.id as string;
}

/** Express-style middleware that runs before everything else, body parsing included. */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  assignRequestId(req, res);
  next();
}
