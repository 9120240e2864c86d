import { Injectable, OnApplicationBootstrap, Scope } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { MCP_PROMPT, MCP_TOOL } from './mcp.constants';
import { McpPromptOptions, PromptContext } from './mcp-prompt-options.interface';
import { McpToolOptions } from './mcp-tool-options.interface';
import { McpToolProvider } from './mcp-tool-provider.decorator';
import { PromptRegistry } from './prompt.registry';
import { registeredPromptFrom } from './registered-prompt';
import { registeredToolFrom } from './registered-tool';
import { ToolRegistry } from './tool.registry';
import { ToolContext } from './tool-context.interface';

/**
 * At bootstrap, finds every `@McpToolProvider()` and registers its `@McpTool()` and `@McpPrompt()` methods. Request-scoped
 * providers cannot serve tools (there is no request to build them for) and fail the boot.
 */
@Injectable()
export class McpToolsExplorer implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: ToolRegistry,
    private readonly prompts: PromptRegistry,
    @InjectPinoLogger(McpToolsExplorer.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: McpToolProvider.KEY })) {
      const className = wrapper.metatype?.name ?? String(wrapper.name);
      if (wrapper.scope === Scope.REQUEST || wrapper.scope === Scope.TRANSIENT || !wrapper.isDependencyTreeStatic()) {
        throw new Error(`${className} is an @McpToolProvider() but is not a singleton: tool providers must be default-scoped`);
      }
      const family = this.discovery.getMetadataByDecorator(McpToolProvider, wrapper)?.family;
      const instance = wrapper.instance as Record<string, unknown>;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName] as (input: object, ctx: ToolContext) => unknown;
        const options = this.reflector.get<McpToolOptions | undefined>(MCP_TOOL, method);
        if (options) this.register(`${className}.${methodName}`, options, method.bind(instance), family);
        const prompt = this.reflector.get<McpPromptOptions | undefined>(MCP_PROMPT, method);
        if (prompt) this.registerPrompt(`${className}.${methodName}`, prompt, method.bind(instance) as RegisteredPromptHandler, family, instance);
      }
    }
    this.logger.info({ tools: this.registry.list().length, prompts: this.prompts.size }, 'MCP tools registered');
  }

  private register(source: string, options: McpToolOptions, handler: RegisteredToolHandler, family: string | undefined): void {
    this.registry.register(registeredToolFrom(source, options, handler, family));
    this.logger.info(`${source} -> ${options.name}`);
  }

  private registerPrompt(source: string, options: McpPromptOptions, handler: RegisteredPromptHandler, family: string | undefined, instance: object): void {
    this.prompts.register(registeredPromptFrom(source, options, handler, family, instance));
    this.logger.info(`${source} -> prompt ${options.name}`);
  }
}

type RegisteredPromptHandler = (args: object, ctx: PromptContext) => unknown;
type RegisteredToolHandler = (input: object, ctx: ToolContext) => unknown;
