import { Injectable } from '@nestjs/common';
import { CallToolResult, ContentBlock, ProtocolError, ProtocolErrorCode, Tool } from '@modelcontextprotocol/server';
import { Principal } from '../auth/principal.interface';
import { toErrorResponse } from '../errors/error-response';
import { CallAbort } from './call-abort';
import { InFlightCalls } from './in-flight-calls';
import { ToolDoor, ToolOutput } from './tool-call.interface';
import { ToolInvoker } from './tool-invoker.service';
import { ToolRegistry } from './tool.registry';
import { UnknownToolException } from './unknown-tool.exception';

/** The parameters of one `tools/call`, as the SDK's schema (or the fast lane's recognizer) has checked them. */
export interface ToolCallParams {
  readonly name: string;
  readonly arguments?: Record<string, unknown>;
}

/** One `tools/call` to answer: who, which JSON-RPC id in which cancellation scope, and how to report progress. */
export interface ToolCallRequest {
  readonly principal: Principal;
  readonly door: ToolDoor;
  readonly requestId: string;
  readonly cancellationScope: string;
  readonly id: string | number;
  readonly params: ToolCallParams;
  /** The call's abort when the door made it (the fast lane aborts it when the client goes away); else one is made. */
  readonly abort?: CallAbort;
  /** The request's own signal (client gone, server closing); a matching `notifications/cancelled` aborts the call too. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: number, total?: number, message?: string) => Promise<void>;
}

/**
 * The MCP answers of `tools/list` and `tools/call`, shared by the SDK's server handlers (every door, both eras) and
 * the `/mcp` fast lane, so that one implementation produces every tool answer.
 */
@Injectable()
export class McpToolHandlers {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly invoker: ToolInvoker,
    private readonly inFlight: InFlightCalls,
  ) {}

  /** The tools the caller's scopes allow. Our DTO schemas are plain JSON Schema objects (`type: 'object'` always). */
  list(principal: Principal): Tool[] {
    return this.registry.definitionsFor(principal.scopes) as unknown as Tool[];
  }

  /** Whether `name` is a registered tool (an unknown one is a JSON-RPC error, not a tool result). */
  has(name: string): boolean {
    return this.registry.get(name) !== undefined;
  }

  /**
   * Runs one call through the ToolInvoker. A tool failure is a result with `isError` (the error body as JSON); an
   * unknown tool is a JSON-RPC InvalidParams error, thrown.
   */
  async call(request: ToolCallRequest): Promise<CallToolResult> {
    const { params } = request;
    const abort = request.abort ?? new CallAbort();
    const untrack = this.inFlight.track(request.cancellationScope, request.id, abort, request.signal);
    try {
      const output = await this.invoker.invoke({
        name: params.name,
        arguments: params.arguments,
        requestId: request.requestId,
        principal: request.principal,
        door: request.door,
        abort,
        onProgress: request.onProgress,
      });
      const result: CallToolResult = { content: contentOf(output) };
      return output.structured ? { ...result, structuredContent: output.structured } : result;
    } catch (error) {
      if (error instanceof UnknownToolException) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
      }
      const body = toErrorResponse(error, request.requestId).body;
      // 2025-era SDK clients validate structuredContent against outputSchema even on errors, so a tool
      // with an output schema carries its error body as JSON text only.
      const hasOutputSchema = this.registry.get(params.name)?.definition.outputSchema !== undefined;
      return {
        isError: true,
        content: [{ type: 'text', text: JSON.stringify(body) }],
        ...(hasOutputSchema ? {} : { structuredContent: { ...body } }),
      };
    } finally {
      untrack();
    }
  }
}

/** The JSON text, then any resource links the tool derived from its result. */
function contentOf(output: ToolOutput): ContentBlock[] {
  const text: ContentBlock = { type: 'text', text: output.text };
  const links = (output.links ?? []).map(
    (link): ContentBlock => ({
      type: 'resource_link',
      uri: link.uri,
      name: link.name,
      ...(link.title !== undefined ? { title: link.title } : {}),
      ...(link.mimeType !== undefined ? { mimeType: link.mimeType } : {}),
      ...(link.description !== undefined ? { description: link.description } : {}),
    }),
  );
  return [text, ...links];
}
