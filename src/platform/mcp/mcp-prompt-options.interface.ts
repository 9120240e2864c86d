import type { Logger } from 'pino';
import { Principal } from '../auth/principal.interface';
import { DtoClass } from './mcp-tool-options.interface';

/** One piece of a prompt message: text, an image, a resource embedded whole, or a link to one. */
export type PromptContent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly data: string; readonly mimeType: string }
  | { readonly type: 'resource'; readonly resource: { readonly uri: string; readonly mimeType: string; readonly text: string } }
  | {
      readonly type: 'resource_link';
      readonly uri: string;
      readonly name: string;
      readonly title?: string;
      readonly mimeType?: string;
      readonly description?: string;
    };

/** One message of a rendered prompt. */
export interface PromptMessageOut {
  readonly role: 'user' | 'assistant';
  readonly content: PromptContent;
}

/** What a prompt method returns: its messages, and optionally a description of this rendering. */
export interface PromptOutput {
  readonly description?: string;
  readonly messages: readonly PromptMessageOut[];
}

/** What a prompt method (and a completer) gets besides its arguments. */
export interface PromptContext {
  readonly requestId: string;
  readonly principal: Principal;
  /** Logger bound to this request (request id and prompt name on every line). */
  readonly logger: Logger;
  /** Aborted when the client cancels or goes away, or the deadline (TOOL_TIMEOUT_SECONDS) passes. */
  readonly signal: AbortSignal;
}

/** What a completer of one argument gets: who asks, and the arguments the client already filled in. */
export interface CompletionContext {
  readonly requestId: string;
  readonly principal: Principal;
  readonly signal: AbortSignal;
  /** Other arguments already chosen (`context.arguments` of the request), as strings. */
  readonly arguments: Readonly<Record<string, string>>;
}

/**
 * Suggests values for one argument from a partial value (already length-bounded). Answer the best first; the
 * server keeps the first 100 and reports `total`/`hasMore`. Filter by the caller's scopes: never suggest a name
 * the caller could not use. Treat `partial` as data (escape `%`/`_` in a LIKE, or filter in code).
 */
export type ArgumentCompleter = (partial: string, ctx: CompletionContext) => Promise<readonly string[]> | readonly string[];

/** What `@McpPrompt({...})` declares about a method. */
export interface McpPromptOptions {
  /** snake_case, `^[a-z][a-z0-9_]{0,63}$`, unique across the server's prompts. */
  readonly name: string;
  readonly title?: string;
  /** What the prompt is for, written for the person (or model) choosing it. */
  readonly description: string;
  /**
   * DTO of the arguments: every property a string (MCP prompt arguments are strings), described with
   * `@JSONSchema({ description })`, optional with `@IsOptional()`. Omit for a prompt without arguments.
   */
  readonly arguments?: DtoClass;
  /** Scopes the caller must hold to see and get it; defaults to `<family>:read` of its provider. */
  readonly scopes?: readonly string[];
  /**
   * Completers of arguments by name: a function, or the name of a method of the same provider (decorator
   * arguments cannot reach the instance) called as an `ArgumentCompleter`. An argument with an `@IsIn([...])`
   * list completes from it without one.
   */
  readonly complete?: Readonly<Record<string, ArgumentCompleter | string>>;
}
