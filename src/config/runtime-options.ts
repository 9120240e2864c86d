import type { DestinationStream } from 'pino';
import type { Environment } from './environment';

/** How this process was started; decided by main.ts (or a test), not by the environment. */
export interface RuntimeOptions {
  /** Serving MCP over stdio: stdout belongs to JSON-RPC, so logs go to stderr. */
  readonly stdio?: boolean;
  /** The log lines go to a terminal (stdout, or stderr under stdio): LOG_FORMAT defaults to text in development. */
  readonly terminal?: boolean;
  /** Read `.env` from the working directory (default true). */
  readonly envFile?: boolean;
  /** Where log lines go instead of stdout/stderr (tests capture logs with it). */
  readonly logStream?: DestinationStream;
  /** The settings main.ts has already loaded and validated (so `.env`, secret files and Vault are read once). */
  readonly environment?: Environment;
}

export const RUNTIME_OPTIONS = Symbol('RUNTIME_OPTIONS');
