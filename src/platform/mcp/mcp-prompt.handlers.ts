import { Injectable } from '@nestjs/common';
import { ProtocolError, ProtocolErrorCode, Server, ServerCapabilities } from '@modelcontextprotocol/server';
import { CompletionService } from './completion.service';
import { CallAbort } from './call-abort';
import { InFlightCalls } from './in-flight-calls';
import { decodeOffsetCursor, encodeOffsetCursor } from './list-cursor';
import type { McpCaller } from './mcp-server.factory';
import { COMPLETE_PARAMS, PROMPTS_GET_PARAMS, PROMPTS_LIST_PARAMS } from './prompt-request-params';
import { PromptRegistry } from './prompt.registry';
import { PromptService } from './prompt.service';

/** Prompts per `prompts/list` page. */
export const PROMPTS_PAGE_SIZE = 50;

/**
 * Serves `prompts/list`, `prompts/get` and `completion/complete` on one server instance from the factory, and
 * says which capabilities that adds (none while no family declares a prompt or resource template).
 */
@Injectable()
export class McpPromptHandlers {
  constructor(
    private readonly registry: PromptRegistry,
    private readonly prompts: PromptService,
    private readonly completions: CompletionService,
    private readonly inFlight: InFlightCalls,
  ) {}

  capabilities(): ServerCapabilities {
    return {
      ...(this.registry.empty ? {} : { prompts: { listChanged: false } }),
      ...(this.completions.available ? { completions: {} } : {}),
    };
  }

  /** `caller.cancellationScope` is the factory's (a `notifications/cancelled` reaches a prompt as it reaches a tool call). */
  attach(server: Server, caller: McpCaller): void {
    const scope = caller.cancellationScope ?? 'instance';
    if (!this.registry.empty) {
      server.setRequestHandler('prompts/list', { params: PROMPTS_LIST_PARAMS }, (params) => {
        const visible = this.registry.listFor(caller.principal.scopes);
        const offset = decodeOffsetCursor(params.cursor);
        if (offset === undefined || (offset > 0 && offset >= visible.length)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
        const end = offset + PROMPTS_PAGE_SIZE;
        return {
          prompts: visible.slice(offset, end).map((prompt) => ({ ...prompt.definition, arguments: prompt.definition.arguments.map((a) => ({ ...a })) })),
          ...(end < visible.length ? { nextCursor: encodeOffsetCursor(end) } : {}),
        };
      });
      server.setRequestHandler('prompts/get', { params: PROMPTS_GET_PARAMS }, async (params, ctx) => {
        const abort = new CallAbort();
        const untrack = this.inFlight.track(scope, ctx.mcpReq.id, abort, ctx.mcpReq.signal);
        try {
          return await this.prompts.get({
            name: params.name,
            arguments: params.arguments,
            requestId: caller.requestId(),
            principal: caller.principal,
            door: caller.door,
            abort,
          });
        } finally {
          untrack();
        }
      });
    }
    if (this.completions.available) {
      server.setRequestHandler('completion/complete', { params: COMPLETE_PARAMS }, (params, ctx) =>
        this.completions.complete(params, caller.principal, ctx.mcpReq.signal, caller.requestId()),
      );
    }
  }
}
