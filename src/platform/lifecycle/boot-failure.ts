import { LoggerService } from '@nestjs/common';
import { ConfigValidationError } from '../../config/validate-environment';

/** A boot failure the operator can act on: what failed, and what to do about it. */
export class BootFailure extends Error {
  constructor(
    what: string,
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(what, options);
    this.name = 'BootFailure';
  }
}

const FILE_SYSTEM_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EEXIST', 'ELOOP']);

/** An error from the file system (it names the code and the path), e.g. a data directory that cannot be written. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  const failure = error as NodeJS.ErrnoException | undefined;
  return typeof failure?.code === 'string' && FILE_SYSTEM_CODES.has(failure.code) && typeof failure.path === 'string';
}

/**
 * The line printed on stderr when the server does not start: what failed and what to do, never a stack
 * trace. The configuration error keeps its list (one line per bad variable).
 */
export function bootFailureMessage(error: unknown): string {
  if (error instanceof ConfigValidationError) return error.message;
  if (error instanceof BootFailure) return `Startup failed: ${error.message}. ${error.remedy}`;
  const failure = error as NodeJS.ErrnoException | undefined;
  if (failure?.code === 'EADDRINUSE') {
    return 'Startup failed: the HTTP address is already in use. Stop the other server, or set PORT (or HOST) to a free one';
  }
  if (isFileSystemError(failure)) {
    return `Startup failed: ${failure.code} on ${failure.path}. Make it writable by this user, or point the setting that names it elsewhere`;
  }
  const message = failure instanceof Error ? failure.message : String(error);
  return `Startup failed: ${message.split('\n')[0]}`;
}

/**
 * Nest's logger until pino takes over. Whatever Nest logs before that is buffered (`bufferLogs`) and handed
 * to pino once the application has it; on a failed boot Nest flushes the buffer here instead, where it is
 * dropped: its ExceptionHandler line carries the stack trace, and the one line of `bootFailureMessage` says
 * what to do. Nothing is ever written to stdout (under stdio it is the JSON-RPC stream).
 */
export class BootLogger implements LoggerService {
  log(): void {}
  error(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  fatal(): void {}
}
