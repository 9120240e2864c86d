import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { PromptRegistry } from '../../platform/mcp/prompt.registry';
import { registeredPromptFrom } from '../../platform/mcp/registered-prompt';
import { registeredToolFrom } from '../../platform/mcp/registered-tool';
import { ToolRegistry } from '../../platform/mcp/tool.registry';
import { RestConfig } from './rest.config';
import { REST_FAMILY } from './rest.constants';
import { RestPrompts } from './rest.prompts';
import { RestTools } from './rest.tools';

/**
 * Registers the REST tools (and the customer_brief prompt) at module init (before the MCP explorer and any client listing) when
 * API_BASE_URL is set; otherwise registers nothing and says so in the boot log.
 */
@Injectable()
export class RestToolsRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly config: RestConfig,
    private readonly tools: RestTools,
    private readonly prompts: PromptRegistry,
    private readonly restPrompts: RestPrompts,
    @InjectPinoLogger('RestTools') private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    if (!this.config.enabled) {
      this.logger.info('REST tools disabled: API_BASE_URL is not set');
      return;
    }
    for (const entry of this.tools.entries(this.config.toolTimeoutMs)) {
      this.registry.register(registeredToolFrom(entry.source, entry.options, entry.handler, REST_FAMILY));
      this.logger.info(`${entry.source} -> ${entry.options.name}`);
    }
    for (const entry of this.restPrompts.entries()) {
      this.prompts.register(registeredPromptFrom(entry.source, entry.options, entry.handler, REST_FAMILY));
      this.logger.info(`${entry.source} -> prompt ${entry.options.name}`);
    }
  }
}
