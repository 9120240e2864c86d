import { dtoJsonSchema } from './dto-json-schema';
import { McpToolOptions } from './mcp-tool-options.interface';
import { ToolContext } from './tool-context.interface';
import { RegisteredTool } from './tool.registry';

/**
 * A registry entry from `@McpTool` options: JSON Schemas from the DTOs and the annotation defaults every tool
 * gets (destructive unless read-only, idempotent when read-only, closed-world). Used by the explorer, and by
 * families that register their decorated tools only when configured (e.g. REST tools without API_BASE_URL).
 */
export function registeredToolFrom(
  source: string,
  options: McpToolOptions,
  handler: (input: object, ctx: ToolContext) => unknown,
): RegisteredTool {
  return {
    definition: {
      name: options.name,
      ...(options.title ? { title: options.title } : {}),
      description: options.description,
      inputSchema: dtoJsonSchema(options.input),
      ...(options.output ? { outputSchema: dtoJsonSchema(options.output) } : {}),
      annotations: {
        readOnlyHint: options.annotations.readOnlyHint,
        destructiveHint: options.annotations.destructiveHint ?? !options.annotations.readOnlyHint,
        idempotentHint: options.annotations.idempotentHint ?? options.annotations.readOnlyHint,
        openWorldHint: options.annotations.openWorldHint ?? false,
      },
    },
    input: options.input,
    output: options.output,
    timeoutMs: options.timeoutMs,
    scopes: options.scopes ?? [],
    source,
    handler,
    ...(options.resourceLinks ? { resourceLinks: options.resourceLinks } : {}),
  };
}
