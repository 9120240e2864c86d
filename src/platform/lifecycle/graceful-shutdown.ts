import { INestApplicationContext, LoggerService } from '@nestjs/common';
import { HttpDrain } from './http-drain';

/** Flushed after the modules have closed, before the exit (the tracing SDK's queued spans). */
export interface ShutdownFlush {
  shutdown(timeoutMs: number): Promise<void>;
}

/**
 * On SIGTERM/SIGINT (or when the returned function is called, e.g. because stdin closed): stop accepting
 * work, let in-flight requests finish, close modules (Redis, database, upstream connections) and exit 0.
 * If all that takes longer than the deadline, exit 0 anyway.
 *
 * With `http`, the HTTP server is drained before any module closes (Nest's `app.close()` runs the modules'
 * destroy hooks before it closes the server, which would pull the upstream or database connections from
 * under calls still running). The listener closes at once, so a load balancer's next connection or health
 * probe is refused: `/health/ready` does not flip to 503 first. Under Kubernetes, a preStop sleep lets the
 * pod leave the Service endpoints before SIGTERM arrives. With `flush`, queued trace spans are exported last,
 * within what is left of the deadline.
 */
export function installGracefulShutdown(
  app: INestApplicationContext,
  logger: LoggerService,
  deadlineSeconds: number,
  http?: HttpDrain,
  flush?: ShutdownFlush,
): (reason: string) => void {
  let closing = false;
  const shutdown = (reason: string): void => {
    if (closing) return;
    closing = true;
    const inFlight = http ? `; ${http.inFlight} HTTP requests in flight` : '';
    logger.log(`${reason}: draining in-flight requests (deadline ${deadlineSeconds}s${inFlight})`, 'Shutdown');
    const deadline = setTimeout(() => {
      logger.warn('drain deadline reached: exiting with requests still open', 'Shutdown');
      process.exit(0);
    }, deadlineSeconds * 1000);
    deadline.unref();
    const started = Date.now();
    const drained = http
      ? http.drain().then(() => logger.log(`HTTP requests drained in ${Date.now() - started} ms`, 'Shutdown'))
      : Promise.resolve();
    drained
      .then(() => app.close())
      // What is left of the deadline, at least one second: spans of the last calls reach the collector.
      .then(() => flush?.shutdown(Math.max(1000, deadlineSeconds * 1000 - (Date.now() - started))))
      .then(() => {
        logger.log('shutdown complete', 'Shutdown');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`, 'Shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM received'));
  process.once('SIGINT', () => shutdown('SIGINT received'));
  return shutdown;
}
