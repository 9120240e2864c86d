import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { Environment } from './config/environment';
import { ErrorResponder } from './platform/errors/error-responder.service';
import { requestIdMiddleware } from './platform/logging/request-id';

const MCP_PATH = '/mcp';

/**
 * Everything about the HTTP app that is not a module: the request id before anything else, the JSON body
 * parser with its limit, errors from that parser answered as JSON, no X-Powered-By. Used by main.ts and
 * by the e2e tests, so both run the same app. Create the app with `bodyParser: false`.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  const responder = app.get(ErrorResponder);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestIdMiddleware);
  const parseJson = json({ limit: config.get('BODY_LIMIT_BYTES', { infer: true }) });
  // /mcp reads its own body: the SDK answers a malformed message with a JSON-RPC parse error.
  app.use((req: Request, res: Response, next: NextFunction) => (req.path === MCP_PATH ? next() : parseJson(req, res, next)));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    responder.respond(error, req, res);
  });
}
