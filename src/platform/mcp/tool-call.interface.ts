import { Principal } from '../auth/principal.interface';
import { CallAbort } from './call-abort';

/** Which door a call came in by. */
export type ToolDoor = 'http' | 'stdio' | 'rest' | 'memory';

/** One tool call as a door hands it to the ToolInvoker. */
export interface ToolCall {
  readonly name: string;
  readonly arguments: unknown;
  readonly requestId: string;
  readonly principal: Principal;
  readonly door: ToolDoor;
  /** Aborted by the door when the client cancels or goes away (the invoker makes one when the door has none). */
  readonly abort?: CallAbort;
  readonly onProgress?: (progress: number, total?: number, message?: string) => Promise<void>;
}

/** A link from a tool result to an MCP resource (sent as a `resource_link` content item over MCP). */
export interface ToolResourceLink {
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly mimeType?: string;
  readonly description?: string;
}

/**
 * A successful call's answer: JSON text always, the structured object when the result is one, and the resource
 * links the tool's `resourceLinks` option derived from the result (MCP doors only; REST ignores them).
 */
export interface ToolOutput {
  readonly text: string;
  readonly structured?: Record<string, unknown>;
  readonly links?: readonly ToolResourceLink[];
}
