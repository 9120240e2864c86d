import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import { assignRequestId } from '../logging/request-id';
import { toErrorResponse } from './error-response';

/** Writes the client's answer for an error and logs it; used by the global filter and the body parser. */
@Injectable()
export class ErrorResponder {
  constructor(@InjectPinoLogger('Errors') private readonly logger: PinoLogger) {}

  respond(error: unknown, req: Request, res: Response): void {
    const requestId = assignRequestId(req, res);
    const answer = toErrorResponse(error, requestId);
    // Requests that failed before the logging middleware (body parsing) have no request-bound logger to carry the id.
    const context = storage.getStore() !== undefined ? { path: req.path } : { request_id: requestId, path: req.path };
    if (answer.unexpected) {
      this.logger.error({ ...context, err: error }, 'request failed unexpectedly');
    } else {
      this.logger.debug({ ...context, status: answer.httpStatus }, 'request rejected');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(answer.httpStatus).set(answer.headers).json(answer.body);
  }
}
