import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { Environment } from './config/environment';
import { ErrorResponder } from './platform/errors/error-responder.service';
import { requestIdMiddleware } from './platform/logging/request-id';
import { mcpBodyParser } from './platform/mcp/mcp-body.parser';
import { setupOpenApi } from './platform/mcp/openapi.setup';

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
  const limit = config.get('BODY_LIMIT_BYTES', { infer: true });
  // Any JSON value parses; what a route accepts is its own check (the REST facade: 400 naming `(arguments)`).
  const parseJson = json({ limit, strict: false });
  const parseMcp = mcpBodyParser(limit);
  // /mcp answers body problems in JSON-RPC terms; every other route in the `{error, request_id}` shape.
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.path === MCP_PATH ? parseMcp(req, res, next) : parseJson(req, res, next),
  );
  setupOpenApi(app);
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    responder.respond(error, req, res);
  });
}
