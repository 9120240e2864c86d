import { Injectable } from '@nestjs/common';
import { scopesAllow } from '../auth/scopes';
import { DtoClass, McpToolAnnotations } from './mcp-tool-options.interface';
import { JsonSchema } from './dto-json-schema';
import { ToolResourceLink } from './tool-call.interface';
import { ToolContext } from './tool-context.interface';

/** What clients see of a tool (`tools/list`, `GET /v1/tools`, the OpenAPI document). */
export interface ToolDefinition {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  readonly annotations: McpToolAnnotations;
}

/** A registered tool: its definition plus what the invoker needs to call it. */
export interface RegisteredTool {
  readonly definition: ToolDefinition;
  readonly input: DtoClass;
  readonly output?: DtoClass;
  readonly timeoutMs?: number;
  readonly scopes: readonly string[];
  /** Where it came from, as `Class.method` (for logs and duplicate errors). */
  readonly source: string;
  readonly handler: (input: object, ctx: ToolContext) => unknown;
  /** Resource links derived from a successful result (see `McpToolOptions.resourceLinks`). */
  readonly resourceLinks?: (result: unknown) => readonly ToolResourceLink[];
}

/** Every tool of the server, filled once at bootstrap by the explorer; listed in name order. */
@Injectable()
export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private sorted: readonly RegisteredTool[] = [];

  register(tool: RegisteredTool): void {
    const existing = this.tools.get(tool.definition.name);
    if (existing) {
      throw new Error(
        `Duplicate MCP tool name "${tool.definition.name}": declared by ${existing.source} and ${tool.source}`,
      );
    }
    this.tools.set(tool.definition.name, tool);
    this.sorted = [...this.tools.values()].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  list(): readonly RegisteredTool[] {
    return this.sorted;
  }

  definitions(): ToolDefinition[] {
    return this.sorted.map((tool) => tool.definition);
  }

  /** The definitions of the tools a caller holding `scopes` may call: what every door lists to it. */
  definitionsFor(scopes: readonly string[]): ToolDefinition[] {
    return this.sorted.filter((tool) => scopesAllow(scopes, tool.scopes)).map((tool) => tool.definition);
  }
}
