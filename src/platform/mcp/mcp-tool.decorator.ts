import { SetMetadata } from '@nestjs/common';
import { MCP_TOOL, TOOL_NAME_PATTERN } from './mcp.constants';

const MAX_TIMEOUT_MS = 3_600_000;
import { McpToolOptions } from './mcp-tool-options.interface';

function assertValid(options: McpToolOptions): void {
  const where = `@McpTool(${JSON.stringify(options?.name)})`;
  if (typeof options?.name !== 'string' || !TOOL_NAME_PATTERN.test(options.name)) {
    throw new Error(`${where}: name must match ${TOOL_NAME_PATTERN} (snake_case, at most 64 characters)`);
  }
  if (typeof options.description !== 'string' || options.description.trim() === '') {
    throw new Error(`${where}: description must not be empty`);
  }
  if (typeof options.input !== 'function') {
    throw new Error(`${where}: input must be a DTO class (use an empty class for a tool without arguments)`);
  }
  if (options.output !== undefined && typeof options.output !== 'function') {
    throw new Error(`${where}: output must be a DTO class when given`);
  }
  if (typeof options.annotations?.readOnlyHint !== 'boolean') {
    throw new Error(`${where}: annotations.readOnlyHint must be declared (true or false)`);
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0 && options.timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new Error(`${where}: timeoutMs must be a positive integer of at most ${MAX_TIMEOUT_MS} (one hour)`);
  }
  if (options.scopes !== undefined && !(Array.isArray(options.scopes) && options.scopes.every((scope) => typeof scope === 'string' && scope !== ''))) {
    throw new Error(`${where}: scopes must be an array of non-empty strings`);
  }
  if (options.annotations.readOnlyHint && options.annotations.destructiveHint === true) {
    throw new Error(`${where}: a read-only tool cannot be destructive`);
  }
}

/**
 * Exposes a method of an `@McpToolProvider()` as an MCP tool. The method receives the validated input
 * DTO and a `ToolContext`, and returns the result (an object matching `output`, or a string).
 * Checks its options when applied, so a mistake fails at load time.
 *
 * @example
 * @McpTool({ name: 'get_customer', description: 'Fetch one customer by id',
 *            input: GetCustomerInput, output: Customer, annotations: { readOnlyHint: true } })
 * get(input: GetCustomerInput, ctx: ToolContext): Promise<Customer> { ... }
 */
export function McpTool(options: McpToolOptions): MethodDecorator {
  assertValid(options);
  return SetMetadata(MCP_TOOL, options);
}
