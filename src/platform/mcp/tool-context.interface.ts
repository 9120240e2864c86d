import type { Logger } from 'pino';
import { Principal } from '../auth/principal.interface';

/** What a tool method gets besides its input, whichever door the call came in by. */
export interface ToolContext {
  readonly requestId: string;
  readonly principal: Principal;
  /** Logger bound to this call (request id and tool name on every line). */
  readonly logger: Logger;
  /** Aborted when the client cancels, disconnects, or the tool's deadline passes. */
  readonly signal: AbortSignal;
  /** Sends a progress notification when the client asked for them; otherwise does nothing. */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
}
