import { dtoJsonSchema } from './dto-json-schema';
import { McpToolOptions } from './mcp-tool-options.interface';
import { ToolContext } from './tool-context.interface';
import { RegisteredTool } from './tool.registry';

const FAMILY_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * The scopes a tool of `family` needs when it declares none: `<family>:read` for a read-only tool,
 * `<family>:write` otherwise; none without a family.
 *
 * @example
 * defaultToolScopes('sql', true) // ['sql:read']
 */
export function defaultToolScopes(family: string | undefined, readOnly: boolean): readonly string[] {
  if (family === undefined) return [];
  if (!FAMILY_PATTERN.test(family)) throw new Error(`tool family "${family}" must match ${FAMILY_PATTERN}`);
  return [`${family}:${readOnly ? 'read' : 'write'}`];
}

/**
 * A registry entry from `@McpTool` options: JSON Schemas from the DTOs and the annotation defaults every tool
 * gets (destructive unless read-only, idempotent when read-only, closed-world), and the family's
 * default scopes unless the options name some. Used by the explorer, and by
 * families that register their decorated tools only when configured (e.g. REST tools without API_BASE_URL).
 */
export function registeredToolFrom(
  source: string,
  options: McpToolOptions,
  handler: (input: object, ctx: ToolContext) => unknown,
  family?: string,
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
    scopes: options.scopes ?? defaultToolScopes(family, options.annotations.readOnlyHint),
    source,
    handler,
    ...(options.resourceLinks ? { resourceLinks: options.resourceLinks } : {}),
  };
}
