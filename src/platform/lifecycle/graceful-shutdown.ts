import { INestApplication, LoggerService } from '@nestjs/common';

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, close modules (Redis,
 * database) and exit 0. If draining takes longer than the deadline, exit anyway.
 */
export function installGracefulShutdown(app: INestApplication, logger: LoggerService, deadlineSeconds: number): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining in-flight requests (deadline ${deadlineSeconds}s)`, 'Shutdown');
    const deadline = setTimeout(() => {
      logger.warn('drain deadline reached: exiting with requests still open', 'Shutdown');
      process.exit(0);
    }, deadlineSeconds * 1000);
    deadline.unref();
    app
      .close()
      .then(() => {
        logger.log('shutdown complete', 'Shutdown');
        process.exitCode = 0;
      })
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`, 'Shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
