import type { IncomingMessage, ServerResponse } from 'node:http';
import { Store } from 'nestjs-pino/storage';
import type { Level, Logger } from 'pino';
import type { HttpLogger, Options } from 'pino-http';

type LevelOf = NonNullable<Options['customLogLevel']>;

/**
 * pino-http's request logging for the direct `/mcp` route, with pino-http's own logger (its serializers), the
 * app's request-log options and pino-http's line, minus its per-request child loggers. pino-http makes two child
 * loggers for every request even when the line is silent (a successful `POST /mcp` is: the audit line says it);
 * here the request's logger (nestjs-pino's binding) is made on first use, and the line is written
 * only when `customLogLevel` says so: `{request_id, req, res, responseTime}` "request completed" (or "request
 * aborted"), with `err` "request errored" for an error or a 5xx, as pino-http writes them. An e2e test compares
 * the lines of both routes.
 */
export class RequestLog {
  constructor(
    private readonly http: HttpLogger<IncomingMessage, ServerResponse>,
    private readonly levelOf: LevelOf,
  ) {}

  /**
   * Starts the request's log: the line when the response is done; returns nestjs-pino's store, whose logger is
   * made on first use. Nothing is added to `req` (an accessor defined per request slows every later access to it).
   */
  begin(req: IncomingMessage & { id?: unknown }, res: ServerResponse): Store {
    const started = Date.now();
    const logger = (): Logger => this.http.logger.child({ request_id: req.id });
    const done = (error?: Error): void => {
      res.off('close', done);
      res.off('finish', done);
      res.off('error', done);
      this.line(req, res, Date.now() - started, error);
    };
    res.on('close', done);
    res.on('finish', done);
    res.on('error', done);
    return new LazyRequestStore(logger) as unknown as Store;
  }

  private line(req: IncomingMessage & { id?: unknown }, res: ServerResponse, responseTime: number, error?: Error): void {
    const level = this.levelOf(req, res, error);
    if (level === 'silent') return;
    const log = this.http.logger.child({ request_id: req.id }).child({ req });
    const write = log[level as Level].bind(log);
    if (error || res.statusCode >= 500) {
      write({ res, err: error ?? new Error(`failed with status code ${res.statusCode}`), responseTime }, 'request errored');
      return;
    }
    write({ res, responseTime }, !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
  }
}

/**
 * nestjs-pino's per-request store (read by shape: `logger`, `responseLogger`), whose logger is made when something
 * first logs through it; `PinoLogger.assign()` replaces it through the setter.
 */
class LazyRequestStore {
  readonly responseLogger = undefined;
  private assigned?: Logger;

  constructor(private readonly make: () => Logger) {}

  get logger(): Logger {
    return (this.assigned ??= this.make());
  }

  set logger(logger: Logger) {
    this.assigned = logger;
  }
}
