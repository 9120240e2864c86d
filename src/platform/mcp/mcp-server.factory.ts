import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  CallToolRequest,
  CallToolResult,
  ProtocolError,
  ProtocolErrorCode,
  ReadResourceResult,
  ResourceNotFoundError,
  Server,
  ServerCapabilities,
  ServerContext,
} from '@modelcontextprotocol/server';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { PACKAGE_INFO } from '../../config/package-info';
import { Principal } from '../auth/principal.interface';
import { missingScopes, scopesAllow } from '../auth/scopes';
import { traceMcpStdioRequest } from '../tracing/mcp-request-tracing';
import { requestLogger } from './request-logger';
import { InFlightCalls } from './in-flight-calls';
import { LIST_CACHE_HINTS } from './list-cache-hints';
import { McpPromptHandlers } from './mcp-prompt.handlers';
import { McpToolHandlers } from './mcp-tool.handlers';
import { ToolDoor } from './tool-call.interface';
import { MCP_SERVER_NAME } from './mcp.constants';
import { decodeResourceCursor, encodeResourceCursor, ResourceListPosition } from './resource-cursor';
import { RESOURCES_LIST_PARAMS, RESOURCES_READ_PARAMS } from './resource-request-params';
import { InvalidResourceCursorError, ResourceRegistry } from './resource.registry';

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
 * clients. It only routes `tools/list` to the registry and `tools/call` to the ToolInvoker (and, when a family
 * registered resource templates, `resources/*` to the ResourceRegistry), so building one is cheap and nothing
 * (no schema compiler) is rebuilt per request.
 */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly tools: McpToolHandlers,
    private readonly inFlight: InFlightCalls,
    private readonly resources: ResourceRegistry,
    private readonly promptHandlers: McpPromptHandlers,
    @InjectPinoLogger(McpServerFactory.name) private readonly pino: PinoLogger,
  ) {}

  create(caller: McpCaller): Server {
    const scope = caller.cancellationScope ?? `instance:${randomUUID()}`;
    const withResources = !this.resources.empty;
    const capabilities: ServerCapabilities = withResources
      ? { tools: { listChanged: false }, resources: {}, ...this.promptHandlers.capabilities() }
      : { tools: { listChanged: false }, ...this.promptHandlers.capabilities() };
    const server = new Server({ name: MCP_SERVER_NAME, version: PACKAGE_INFO.version }, { capabilities, cacheHints: LIST_CACHE_HINTS });
    // Our DTO schemas are plain JSON Schema objects (`type: 'object'` always); the SDK types them as JSON values.
    server.setRequestHandler('tools/list', (request, ctx) =>
      this.traced(caller, request, ctx.mcpReq.id, async () => ({ tools: this.tools.list(caller.principal) })),
    );
    server.setNotificationHandler('notifications/cancelled', (notification) => {
      const id = notification.params.requestId;
      if (id !== undefined) this.inFlight.cancel(scope, id, notification.params.reason);
    });
    server.setRequestHandler('tools/call', (request, ctx) => this.traced(caller, request, ctx.mcpReq.id, () => this.callTool(caller, scope, request, ctx)));
    if (withResources) this.serveResources(server, caller);
    this.promptHandlers.attach(server, { ...caller, cancellationScope: scope });
    return server;
  }

  /** Over stdio (no HTTP request to hang it on), a request's MCP span is opened here; over HTTP, McpHttpHandler has opened it. */
  private traced<T>(caller: McpCaller, request: { method: string; params?: unknown }, id: unknown, work: () => Promise<T>): Promise<T> {
    return caller.door === 'stdio' ? traceMcpStdioRequest(request, id, work) : work();
  }

  private callTool(caller: McpCaller, scope: string, request: CallToolRequest, ctx: ServerContext): Promise<CallToolResult> {
    const progressToken = request.params._meta?.progressToken;
    return this.tools.call({
      principal: caller.principal,
      door: caller.door,
      requestId: caller.requestId(),
      cancellationScope: scope,
      id: ctx.mcpReq.id,
      params: request.params,
      signal: ctx.mcpReq.signal,
      onProgress:
        progressToken === undefined
          ? undefined
          : (progress, total, message) =>
              ctx.mcpReq.notify({
                method: 'notifications/progress',
                params: { progressToken, progress, total, message },
              }),
    });
  }

  private serveResources(server: Server, caller: McpCaller): void {
    const allowed = (scopes: readonly string[] | undefined): boolean => scopesAllow(caller.principal.scopes, scopes);
    server.setRequestHandler('resources/templates/list', () => ({
      resourceTemplates: this.resources.list().filter((t) => allowed(t.scopes)).map((t) => ({
        uriTemplate: t.uriTemplate,
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        description: t.description,
        mimeType: t.mimeType,
      })),
    }));
    // One page of one template at a time; the cursor says which template and where in it.
    server.setRequestHandler('resources/list', { params: RESOURCES_LIST_PARAMS }, async (params) => {
      const listing = this.resources.list().filter((t) => t.list && allowed(t.scopes));
      const invalid = (): ProtocolError => new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
      const position = decodeResourceCursor(params.cursor, listing.length);
      if (!position) throw invalid();
      const template = listing[position.template];
      if (!template?.list) return { resources: [] };
      let page;
      try {
        page = await template.list(position.cursor);
      } catch (error) {
        if (error instanceof InvalidResourceCursorError) throw invalid();
        const requestId = caller.requestId();
        requestLogger(this.pino, { request_id: requestId }).error({ err: error, template: template.uriTemplate }, 'resource list failed');
        throw new ProtocolError(ProtocolErrorCode.InternalError, `Listing resources failed (request ${requestId})`);
      }
      const next: ResourceListPosition | undefined =
        page.nextCursor !== undefined
          ? { template: position.template, cursor: page.nextCursor }
          : position.template + 1 < listing.length
            ? { template: position.template + 1 }
            : undefined;
      return { resources: page.resources.map((r) => ({ ...r })), ...(next ? { nextCursor: encodeResourceCursor(next) } : {}) };
    });
    server.setRequestHandler('resources/read', { params: RESOURCES_READ_PARAMS }, async (params, ctx): Promise<ReadResourceResult> => {
      const uri = params.uri;
      const requestId = caller.requestId();
      const logger = requestLogger(this.pino, { request_id: requestId });
      let outcome = 'ok';
      try {
        const found = this.resources.match(uri);
        if (!found) {
          outcome = 'not_found';
          throw new ResourceNotFoundError(uri);
        }
        const missing = missingScopes(caller.principal.scopes, found.template.scopes);
        if (missing.length > 0) {
          outcome = 'forbidden';
          throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `The caller lacks the scope(s): ${missing.join(', ')}`);
        }
        let content;
        try {
          content = await found.template.read(uri, found.variables, { signal: ctx.mcpReq.signal, requestId, principal: caller.principal });
        } catch (error) {
          outcome = 'error';
          if (error instanceof ProtocolError) throw error;
          logger.error({ err: error, uri }, 'resource read failed');
          throw new ProtocolError(ProtocolErrorCode.InternalError, `Reading ${uri} failed (request ${requestId})`);
        }
        if (!content) {
          outcome = 'not_found';
          throw new ResourceNotFoundError(uri);
        }
        return { contents: [{ uri, mimeType: content.mimeType, text: content.text }] };
      } finally {
        logger.info({ audit: true, uri, key_id: caller.principal.clientId, door: caller.door, outcome }, 'resource read');
      }
    });
  }
}
