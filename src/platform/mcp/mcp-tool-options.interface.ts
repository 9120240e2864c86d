import { ToolResourceLink } from './tool-call.interface';

/** Hints a client may show or use to decide how careful to be with a tool (MCP `ToolAnnotations`). */
export interface McpToolAnnotations {
  /** The tool does not change anything. */
  readonly readOnlyHint: boolean;
  /** The tool may delete or overwrite (only meaningful when not read-only). */
  readonly destructiveHint?: boolean;
  /** Calling it twice with the same arguments has no further effect. */
  readonly idempotentHint?: boolean;
  /** The tool talks to systems outside this server (the internet, an upstream API). */
  readonly openWorldHint?: boolean;
}

/** A class-validator DTO class: the single source of validation, JSON Schema and OpenAPI. */
export type DtoClass<T extends object = object> = new () => T;

/** What `@McpTool({...})` declares about a method. */
export interface McpToolOptions {
  /** snake_case, `^[a-z][a-z0-9_]{0,63}$`, unique across the server. */
  readonly name: string;
  readonly title?: string;
  /** What the tool does, written for the model that will choose it. */
  readonly description: string;
  /** DTO of the arguments (use an empty class for a tool without arguments). */
  readonly input: DtoClass;
  /** DTO of the structured result; when set, results are validated against it. */
  readonly output?: DtoClass;
  readonly annotations: McpToolAnnotations;
  /** Deadline of one call; defaults to TOOL_TIMEOUT_SECONDS. */
  readonly timeoutMs?: number;
  /** Scopes the caller's key must hold; none means any authenticated caller. */
  readonly scopes?: readonly string[];
  /**
   * Resource links to add to a successful MCP result, derived from the (validated) result: sent as
   * `resource_link` content items after the JSON text, never inside `structuredContent`.
   */
  readonly resourceLinks?: (result: unknown) => readonly ToolResourceLink[];
}
