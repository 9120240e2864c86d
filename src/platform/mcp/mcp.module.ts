import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CompletionService } from './completion.service';
import { InFlightCalls } from './in-flight-calls';
import { McpPromptHandlers } from './mcp-prompt.handlers';
import { mcpPromptMetrics } from './mcp-prompt.metrics';
import { PromptRegistry } from './prompt.registry';
import { PromptService } from './prompt.service';
import { McpController } from './mcp.controller';
import { McpHttpHandler } from './mcp-http.handler';
import { mcpMetrics } from './mcp.metrics';
import { McpServerFactory } from './mcp-server.factory';
import { McpToolHandlers } from './mcp-tool.handlers';
import { McpStdioServer } from './mcp-stdio.server';
import { McpToolsExplorer } from './mcp-tools.explorer';
import { OriginGuard } from './origin.guard';
import { ResourceRegistry } from './resource.registry';
import { ToolInvoker } from './tool-invoker.service';
import { ToolRegistry } from './tool.registry';
import { ToolsController } from './tools.controller';

/**
 * The MCP core: discovers `@McpTool()` and `@McpPrompt()` methods at bootstrap and serves them on `/mcp` (both protocol
 * eras), over stdio and through the REST facade, all through the one ToolInvoker.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [McpController, ToolsController],
  providers: [InFlightCalls, ToolRegistry, ResourceRegistry, McpToolsExplorer, ToolInvoker, McpToolHandlers, McpServerFactory, McpHttpHandler, McpStdioServer, OriginGuard, ...mcpMetrics,
    PromptRegistry, PromptService, CompletionService, McpPromptHandlers, ...mcpPromptMetrics],
  exports: [ToolRegistry, ResourceRegistry, PromptRegistry, ToolInvoker, McpToolHandlers, McpServerFactory, McpStdioServer],
})
export class McpModule {}
