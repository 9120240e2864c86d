import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isPlainJsonBody, readPlainJsonBody } from '../http/plain-json-body';
import { assignRequestId } from '../logging/request-id';
import { BodyLimitError, BodyLimits, BodyLimitViolation, findBodyLimitViolation, verifyBodyDepth } from './body-limits';

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

function reject(req: Request, res: Response, status: number, code: number, message: string, data: Record<string, unknown> = {}): void {
  const requestId = assignRequestId(req, res);
  res.status(status).json({ jsonrpc: '2.0', id: null, error: { code, message, data: { ...data, request_id: requestId } } });
}

/**
 * Parses `/mcp` bodies as JSON-RPC: malformed JSON → -32700 (400), over the byte limit → 413, a batch array
 * → -32600 (400; batching left the protocol in 2025-06-18 and no SDK client sends one), nesting or a
 * container over the shape limits → -32600 (400, naming the setting). Bodies that are not JSON are left to
 * the SDK, which answers 415. The common shape (declared length, plain JSON type, uncompressed) is read by
 * `readPlainJsonBody`, every other one by body-parser, with the same checks and answers (`plainReader: false`
 * sends all of them to body-parser; a spec compares the two).
 */
export function mcpBodyParser(limitBytes: number, limits: BodyLimits, options: { plainReader?: boolean } = {}): RequestHandler {
  const verify = verifyBodyDepth(limits);
  const parse = json({ limit: limitBytes, verify });
  const plainReader = options.plainReader ?? true;
  const refuse = (req: Request, res: Response, violation: BodyLimitViolation): void =>
    reject(req, res, 400, INVALID_REQUEST, `Request body ${violation.message}`, { limit: violation.setting, value: violation.limit });
  return (req: Request, res: Response, next: NextFunction) => {
    const parsed = (error?: unknown): void => {
      if (error instanceof BodyLimitError) return refuse(req, res, error.violation);
      if (error) {
        const tooLarge = (error as { type?: string }).type === 'entity.too.large';
        if (tooLarge) reject(req, res, 413, INVALID_REQUEST, 'Request body too large');
        else reject(req, res, 400, PARSE_ERROR, 'Parse error');
        return;
      }
      if (Array.isArray(req.body)) {
        reject(req, res, 400, INVALID_REQUEST, 'Batch requests are not supported');
        return;
      }
      const violation = findBodyLimitViolation(req.body, limits);
      if (violation) return refuse(req, res, violation);
      next();
    };
    if (!plainReader || !isPlainJsonBody(req, limitBytes)) return parse(req, res, parsed);
    readPlainJsonBody(
      req,
      (raw) => verify(req, res, raw, 'utf-8'),
      (error, body) => {
        if (error === undefined) req.body = body;
        parsed(error);
      },
    );
  };
}

/** A JSON-RPC error answer for a request refused before it reached the MCP handler (e.g. a Host not allowed). */
export function rejectMcpRequest(req: Request, res: Response, status: number, message: string): void {
  reject(req, res, status, INVALID_REQUEST, message);
}
