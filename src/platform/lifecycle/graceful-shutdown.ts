import { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * On SIGTERM/SIGINT (or when the returned function is called, e.g. because stdin closed): stop accepting
 * work, let in-flight requests finish, close modules (Redis, database) and exit 0. If draining takes longer
 * than the deadline, exit anyway.
 */
export function installGracefulShutdown(
  app: INestApplicationContext,
  logger: LoggerService,
  deadlineSeconds: number,
): (reason: string) => void {
  let closing = false;
  const shutdown = (reason: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${reason}: draining in-flight requests (deadline ${deadlineSeconds}s)`, 'Shutdown');
    const deadline = setTimeout(() => {
      logger.warn('drain deadline reached: exiting with requests still open', 'Shutdown');
      process.exit(0);
    }, deadlineSeconds * 1000);
    deadline.unref();
    app
      .close()
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
