import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { dtoJsonSchema } from '../../platform/mcp/dto-json-schema';
import { RegisteredTool, ToolRegistry } from '../../platform/mcp/tool.registry';
import { RestConfig } from './rest.config';
import { RestToolEntry, RestTools } from './rest.tools';

/** A RegisteredTool from `@McpTool`-style options, with the annotation defaults the explorer applies. */
export function toRegisteredTool({ options, source, handler }: RestToolEntry): RegisteredTool {
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
  };
}

/**
 * Registers the REST tools at module init (before the MCP explorer and any client listing) when
 * API_BASE_URL is set; otherwise registers nothing and says so in the boot log.
 */
@Injectable()
export class RestToolsRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly config: RestConfig,
    private readonly tools: RestTools,
    @InjectPinoLogger('RestTools') private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    if (!this.config.enabled) {
      this.logger.info('REST tools disabled: API_BASE_URL is not set');
      return;
    }
    // The tool's own deadline sits just past the upstream deadline, so the client answers first.
    for (const entry of this.tools.entries(this.config.deadlineMs + 1000)) {
      this.registry.register(toRegisteredTool(entry));
      this.logger.info(`${entry.source} -> ${entry.options.name}`);
    }
  }
}
