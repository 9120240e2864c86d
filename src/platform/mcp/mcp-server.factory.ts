import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CallToolResult, ProtocolError, ProtocolErrorCode, Server, Tool } from '@modelcontextprotocol/server';
import { PACKAGE_INFO } from '../../config/package-info';
import { Principal } from '../auth/principal.interface';
import { toErrorResponse } from '../errors/error-response';
import { InFlightCalls } from './in-flight-calls';
import { MCP_SERVER_NAME } from './mcp.constants';
import { ToolDoor } from './tool-call.interface';
import { ToolInvoker } from './tool-invoker.service';
import { ToolRegistry } from './tool.registry';
import { UnknownToolException } from './unknown-tool.exception';

/** Who is calling, and how each JSON-RPC request gets its id, for one server instance. */
export interface McpCaller {
  readonly principal: Principal;
  readonly door: ToolDoor;
  /** The request id of one `tools/call` (the HTTP request's, or a fresh one per stdio message). */
  readonly requestId: () => string;
  /**
   * Calls sharing a scope can cancel each other by JSON-RPC id. HTTP uses the API key (a cancel arrives on
   * another request); by default each server instance (a stdio connection) is its own scope.
   */
  readonly cancellationScope?: string;
}

/**
 * Builds a fresh low-level SDK `Server` per HTTP request (or per stdio connection): never shared between
 * clients. It only routes `tools/list` to the registry and `tools/call` to the ToolInvoker, so building
 * one is cheap and nothing (no schema compiler) is rebuilt per request.
 */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly invoker: ToolInvoker,
    private readonly inFlight: InFlightCalls,
  ) {}

  create(caller: McpCaller): Server {
    const scope = caller.cancellationScope ?? `instance:${randomUUID()}`;
    const server = new Server(
      { name: MCP_SERVER_NAME, version: PACKAGE_INFO.version },
      { capabilities: { tools: { listChanged: false } } },
    );
    // Our DTO schemas are plain JSON Schema objects (`type: 'object'` always); the SDK types them as JSON values.
    server.setRequestHandler('tools/list', () => ({ tools: this.registry.definitions() as unknown as Tool[] }));
    server.setNotificationHandler('notifications/cancelled', (notification) => {
      const id = notification.params.requestId;
      if (id !== undefined) this.inFlight.cancel(scope, id, notification.params.reason);
    });
    server.setRequestHandler('tools/call', async (request, ctx) => {
      const requestId = caller.requestId();
      const progressToken = request.params._meta?.progressToken;
      const tracked = this.inFlight.track(scope, ctx.mcpReq.id);
      try {
        const output = await this.invoker.invoke({
          name: request.params.name,
          arguments: request.params.arguments,
          requestId,
          principal: caller.principal,
          door: caller.door,
          signal: AbortSignal.any([ctx.mcpReq.signal, tracked.signal]),
          onProgress:
            progressToken === undefined
              ? undefined
              : (progress, total, message) =>
                  ctx.mcpReq.notify({
                    method: 'notifications/progress',
                    params: { progressToken, progress, total, message },
                  }),
        });
        const result: CallToolResult = { content: [{ type: 'text', text: output.text }] };
        return output.structured ? { ...result, structuredContent: output.structured } : result;
      } catch (error) {
        if (error instanceof UnknownToolException) {
          throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
        }
        const body = toErrorResponse(error, requestId).body;
        // 2025-era SDK clients validate structuredContent against outputSchema even on errors, so a tool
        // with an output schema carries its error body as JSON text only.
        const hasOutputSchema = this.registry.get(request.params.name)?.definition.outputSchema !== undefined;
        return {
          isError: true,
          content: [{ type: 'text', text: JSON.stringify(body) }],
          ...(hasOutputSchema ? {} : { structuredContent: { ...body } }),
        };
      } finally {
        tracked.done();
      }
    });
    return server;
  }
}
