import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CanActivate, ForbiddenException, Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { Express, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import { pinoHttp } from 'pino-http';
import { AuthenticatedRequest } from '../auth/principal.interface';
import { ErrorResponder } from '../errors/error-responder.service';
import { httpRequestLogOptions } from '../logging/logging.module';
import { RequestLog } from '../logging/request-log';
import { HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';

/** An Express-style middleware: the same function objects the Express app runs. */
export type RouteStep = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/** The controller method the route ends in, with the guards Nest would run before it, in Nest's order. */
export interface DirectRouteTarget {
  readonly controller: Type<unknown>;
  /** The method as declared (the prototype's function), whose metadata the guards read. */
  readonly method: (...args: never[]) => unknown;
  /** Calls the method on the controller instance. */
  readonly invoke: (req: AuthenticatedRequest, res: Response) => Promise<void>;
  readonly guards: readonly CanActivate[];
}

/** What the Express app would run before and around the route, given by configureApp (see the class comment). */
export interface DirectRouteSteps {
  /** configureApp's own middlewares for an `/mcp` request, in its order (span, request id, Host check, body parser). */
  readonly middlewares: readonly RouteStep[];
  readonly metrics: HttpMetricsMiddleware;
  readonly responder: ErrorResponder;
}

/** The route template Express reports for `/mcp` (metrics label, span name). */
const MCP_ROUTE = { path: '/mcp' };

/**
 * `POST /mcp` served on the Node server ahead of Express's router and Nest's route pipeline, running the same
 * steps, the same function objects and guard instances, in the same order:
 * 1. Express's request set-up (`app.handle`: the request and response prototypes, so `res.status()`, `req.ip`… work);
 * 2. configureApp's middlewares for an MCP request (HTTP span, request id, Host allowlist, the JSON-RPC body parser);
 * 3. the module middlewares: the request log (pino-http's logger, options and line, see RequestLog) with
 *    nestjs-pino's request logger binding, the HTTP metrics middleware;
 * 4. the guards Nest runs for the `/mcp` controller method (global ones first: API key/OAuth, rate limit; then
 *    the controller's Origin check), with an execution context for that method, so `@Public()` and the like read
 *    the same metadata;
 * 5. the controller method; any error from 2–5 is answered by the ErrorResponder, as the exception filter and
 *    the Express error handler do.
 * What it leaves out is the routing itself (one path, one method) and the per-request work of Nest's router
 * (context creation per layer, interceptor and pipe lookups: the route has none). A spec checks that the
 * guards are Nest's for that method, and the e2e suites (auth, limits, origin, host, body) run against it.
 * Anything else (other methods, paths, encodings) goes to the Express app unchanged.
 */
export class McpDirectRoute {
  private requestLogs?: RequestLog;
  private readonly steps: readonly RouteStep[];

  constructor(
    private readonly app: Express,
    private readonly target: DirectRouteTarget,
    private readonly route: DirectRouteSteps,
  ) {
    // pino-http's logging and nestjs-pino's binding, as one step (RequestLog: the same line, no child logger per request).
    const logRequest: RouteStep = (req, res, next) => storage.run(this.requestLog().begin(req, res), next);
    const metrics: RouteStep = (req, res, next) => this.route.metrics.use(req, res, next);
    this.steps = [...route.middlewares, logRequest, metrics];
  }

  /**
   * Whether Express would route this request to the `/mcp` POST handler: the router matches the path
   * case-insensitively, with one optional trailing slash, before any query string. Compressed bodies go the
   * long way (the body parser's inflation stays in one place).
   */
  matches(req: IncomingMessage): boolean {
    if (req.method !== 'POST' || req.headers['content-encoding'] !== undefined) return false;
    const url = req.url ?? '';
    const end = url.indexOf('?');
    const path = (end === -1 ? url : url.slice(0, end)).toLowerCase();
    return path === '/mcp' || path === '/mcp/';
  }

  /** Serves one request that `matches`. */
  serve(nodeReq: IncomingMessage, nodeRes: ServerResponse): void {
    const req = nodeReq as Request;
    const res = nodeRes as Response;
    req.res = res;
    res.req = req;
    // Made with these prototypes already by ExpressServerAdapter's server; set them otherwise, as Express does.
    if (Object.getPrototypeOf(req) !== this.app.request) Object.setPrototypeOf(req, this.app.request);
    if (Object.getPrototypeOf(res) !== this.app.response) Object.setPrototypeOf(res, this.app.response);
    res.locals ??= Object.create(null) as Record<string, unknown>;
    req.originalUrl = req.url;
    req.baseUrl = '';
    req.params = {};
    let index = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== null) return this.fail(error, req, res);
      const step = this.steps[index++];
      if (!step) return void this.handle(req, res);
      try {
        step(req, res, next);
      } catch (thrown) {
        this.fail(thrown, req, res);
      }
    };
    next();
  }

  /** Guards, then the controller method, as Nest's router runs them for this route. */
  private async handle(req: Request, res: Response): Promise<void> {
    (req as { route?: unknown }).route = MCP_ROUTE;
    const context = new ExecutionContextHost([req, res], this.target.controller, this.target.method);
    context.setType('http');
    try {
      for (const guard of this.target.guards) {
        if (!(await guard.canActivate(context))) throw new ForbiddenException('Forbidden resource');
      }
      await this.target.invoke(req as AuthenticatedRequest, res);
    } catch (error) {
      this.fail(error, req, res);
    }
  }

  private fail(error: unknown, req: Request, res: Response): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.route.responder.respond(error, req, res);
  }

  /** The request log on pino-http's logger over the app's root, made on first use: nestjs-pino sets that root when the app initialises. */
  private requestLog(): RequestLog {
    if (!this.requestLogs) {
      const options = httpRequestLogOptions();
      this.requestLogs = new RequestLog(pinoHttp<IncomingMessage, ServerResponse>({ logger: PinoLogger.root, ...options }), options.customLogLevel);
    }
    return this.requestLogs;
  }

  /**
   * Puts the route in front of the Express app on `server`: the app's own `request` listener is replaced by one
   * that serves matching requests here and hands every other one to the app. Other listeners stay as they are.
   */
  install(server: Server): void {
    const app = this.app;
    const listeners = server.listeners('request');
    if (!listeners.includes(app)) throw new Error('The Express app is not a request listener of this server');
    server.removeListener('request', app);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => (this.matches(req) ? this.serve(req, res) : app(req, res)));
  }
}
