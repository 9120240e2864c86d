import { SetMetadata } from '@nestjs/common';
import { MCP_PROMPT, TOOL_NAME_PATTERN } from './mcp.constants';
import { McpPromptOptions } from './mcp-prompt-options.interface';

function assertValid(options: McpPromptOptions): void {
  const where = `@McpPrompt(${JSON.stringify(options?.name)})`;
  if (typeof options?.name !== 'string' || !TOOL_NAME_PATTERN.test(options.name)) {
    throw new Error(`${where}: name must match ${TOOL_NAME_PATTERN} (snake_case, at most 64 characters)`);
  }
  if (typeof options.description !== 'string' || options.description.trim() === '') {
    throw new Error(`${where}: description must not be empty`);
  }
  if (options.arguments !== undefined && typeof options.arguments !== 'function') {
    throw new Error(`${where}: arguments must be a DTO class when given`);
  }
  if (options.scopes !== undefined && !(Array.isArray(options.scopes) && options.scopes.every((scope) => typeof scope === 'string' && scope !== ''))) {
    throw new Error(`${where}: scopes must be an array of non-empty strings`);
  }
  for (const [name, completer] of Object.entries(options.complete ?? {})) {
    if (typeof completer !== 'function' && !(typeof completer === 'string' && completer !== '')) {
      throw new Error(`${where}: complete.${name} must be a function or a method name`);
    }
  }
}

/**
 * Exposes a method of an `@McpToolProvider()` as an MCP prompt. The method receives the validated arguments DTO
 * and a `PromptContext`, and returns a `PromptOutput` (messages of text, embedded resources or resource links).
 * Checks its options when applied, so a mistake fails at load time.
 *
 * @example
 * @McpPrompt({ name: 'explore_table', description: 'Describe a table and suggest safe queries', arguments: ExploreTableArgs })
 * explore(args: ExploreTableArgs, ctx: PromptContext): Promise<PromptOutput> { ... }
 */
export function McpPrompt(options: McpPromptOptions): MethodDecorator {
  assertValid(options);
  return SetMetadata(MCP_PROMPT, options);
}
