import { ForbiddenException } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import type { Server } from 'node:http';
import { json } from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { Environment } from './config/environment';
import { AuthGuard } from './platform/auth/auth.guard';
import { ErrorResponder } from './platform/errors/error-responder.service';
import { InvalidArgumentsException } from './platform/errors/tool.exception';
import { requestIdMiddleware } from './platform/logging/request-id';
import { BodyLimitError, BodyLimits, findBodyLimitViolation, verifyBodyDepth } from './platform/mcp/body-limits';
import { HostAllowlist } from './platform/mcp/host-allowlist';
import { mcpBodyParser, rejectMcpRequest } from './platform/mcp/mcp-body.parser';
import { McpDirectRoute, RouteStep } from './platform/mcp/mcp-direct-route';
import { McpController } from './platform/mcp/mcp.controller';
import { OriginGuard } from './platform/mcp/origin.guard';
import { HttpMetricsMiddleware } from './platform/metrics/http-metrics.middleware';
import { ApiKeyThrottlerGuard } from './platform/throttling/api-key-throttler.guard';
import { setupOpenApi } from './platform/mcp/openapi.setup';
import { httpServerSpanMiddleware } from './platform/tracing/http-server-span';
import { tracingConfigured } from './platform/tracing/tracing-settings';

const MCP_PATH = '/mcp';
/** Kubernetes probes send the pod IP as Host: they are answered whatever ALLOWED_HOSTS says. */
const PROBE_PATHS = new Set(['/health/live', '/health/ready']);

/**
 * Everything about the HTTP app that is not a module, in this order: the HTTP server span (tracing on); the request id; the Host allowlist;
 * the JSON body parser with its byte limit and shape limits (depth, elements), before any handler of any
 * route; errors from all of that answered as JSON; no X-Powered-By. Used by main.ts and by the e2e tests,
 * so both run the same app. Create the app with `bodyParser: false`.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  const responder = app.get(ErrorResponder);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // With tracing on, the HTTP server span opens first, so that it covers everything below.
  if (tracingConfigured(config)) app.use(httpServerSpanMiddleware);
  app.use(requestIdMiddleware);

  // `app.use(MCP_PATH)` matches with the router's own rules (case-insensitive, trailing slash, any suffix), so
  // every spelling that reaches the /mcp controller (`/MCP`, `/mcp/`, …) is marked here, and parsed strictly.
  const mcpRequests = new WeakSet<Request>();
  app.use(MCP_PATH, (req: Request, _res: Response, next: NextFunction) => {
    mcpRequests.add(req);
    next();
  });

  const hosts = new HostAllowlist(config.get('ALLOWED_HOSTS', { infer: true }), config.get('HOST', { infer: true }) ?? '');
  const checkHost = (req: Request, res: Response, next: NextFunction, mcp: boolean): void => {
    if (hosts.allows(req.headers.host) || PROBE_PATHS.has(req.path.toLowerCase().replace(/\/$/, ''))) return next();
    if (mcp) rejectMcpRequest(req, res, 403, 'Host not allowed');
    else responder.respond(new ForbiddenException(), req, res);
  };
  app.use((req: Request, res: Response, next: NextFunction) => checkHost(req, res, next, mcpRequests.has(req)));

  const limitBytes = config.get('BODY_LIMIT_BYTES', { infer: true });
  const limits: BodyLimits = {
    maxDepth: config.get('BODY_MAX_DEPTH', { infer: true }),
    maxElements: config.get('BODY_MAX_ELEMENTS', { infer: true }),
  };
  // Any JSON value parses; what a route accepts is its own check (the REST facade: 400 naming `(arguments)`).
  const parseJson = json({ limit: limitBytes, strict: false, verify: verifyBodyDepth(limits) });
  const parseMcp = mcpBodyParser(limitBytes, limits);
  // /mcp answers body problems in JSON-RPC terms; every other route in the `{error, status, request_id}` shape.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (mcpRequests.has(req)) return parseMcp(req, res, next);
    parseJson(req, res, (error?: unknown) => {
      if (error && !(error instanceof BodyLimitError)) return next(error);
      const violation = error instanceof BodyLimitError ? error.violation : findBodyLimitViolation(req.body, limits);
      if (!violation) return next();
      responder.respond(new InvalidArgumentsException([{ field: '(body)', message: violation.message }]), req, res);
    });
  });
  setupOpenApi(app);
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    responder.respond(error, req, res);
  });

  // POST /mcp runs the same steps without the router (mcp-direct-route.ts); MCP_FAST_LANE=false leaves it to Express.
  if (!config.get('MCP_FAST_LANE', { infer: true })) return;
  const mcpSteps: RouteStep[] = [
    ...(tracingConfigured(config) ? [httpServerSpanMiddleware as RouteStep] : []),
    requestIdMiddleware as RouteStep,
    (req, res, next) => checkHost(req, res, next, true),
    parseMcp,
  ];
  const mcp = app.get(McpController);
  new McpDirectRoute(
    app.getHttpAdapter().getInstance() as Express,
    {
      controller: McpController,
      method: McpController.prototype.handle,
      invoke: (req, res) => mcp.handle(req, res),
      guards: [app.get(AuthGuard), app.get(ApiKeyThrottlerGuard), app.get(OriginGuard)],
    },
    { middlewares: mcpSteps, metrics: app.get(HttpMetricsMiddleware), responder },
  ).install(app.getHttpServer() as Server);
}

