import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  AuthInfo,
  createMcpHandler,
  isLegacyRequest,
  McpHandlerRequestOptions,
  McpHttpHandler as SdkHttpHandler,
  Server,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { ConfigService } from '@nestjs/config';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { AuthenticatedRequest, Principal } from '../auth/principal.interface';
import { traceMcpHttpRequest } from '../tracing/mcp-request-tracing';
import { CallAbort } from './call-abort';
import { encodeFastAnswer } from './mcp-fast-answer';
import { FastRequest, recognizeFastRequest } from './mcp-fast-lane';
import { internalErrorAnswer, serveNodeRequest } from './mcp-node-adapter';
import { McpServerFactory } from './mcp-server.factory';
import { McpToolHandlers } from './mcp-tool.handlers';
import type { Response } from 'express';

interface CallerInfo {
  readonly principal: Principal;
  readonly requestId: string;
}

/** Calls of one API key (or OAuth client) can cancel each other by JSON-RPC id, whichever request carries the cancel. */
function cancellationScopeOf(caller: CallerInfo): string {
  return `key:${caller.principal.clientId}`;
}

/**
 * Whether a 2025-era request may be answered as one JSON body instead of an SSE stream: a JSON-RPC request
 * that asks for no progress. Progress notifications are the only messages our handlers send before a
 * result, so such an answer carries exactly what the stream would; a request with a `progressToken` keeps
 * the SDK's streamed answer.
 */
function answerableAsJson(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const message = body as { id?: unknown; params?: { _meta?: { progressToken?: unknown } } };
  return message.id !== undefined && message.params?._meta?.progressToken === undefined;
}

/**
 * Streamable HTTP for both protocol eras on one endpoint: 2026-07-28 requests go to the SDK's modern
 * per-request path, 2025-era ones (`initialize`, 2025-11-25 … 2025-03-26) to its stateless legacy path.
 * Every request gets its own server instance, so any replica can answer any request.
 *
 * Fast lane: a plain `tools/list` or `tools/call` (recognizeFastRequest says exactly which) is answered by the
 * same tool handlers the SDK's server would call, without building that server, its transport and the web
 * `Request`/`Response` around it; the answer is the one the SDK writes for that era (a test compares them).
 * Everything else, every error answer included, goes to the SDK.
 *
 * Dispatch (`dispatch`): a 2025-era request that asks for no progress is served by the SDK's own
 * streamable HTTP transport in JSON mode (one body, no stream to build, wrap and drain); every other
 * request goes to the SDK's `createMcpHandler`, which also classifies it (`isLegacyRequest` is that same
 * classification, exported by the SDK so the two never disagree).
 */
@Injectable()
export class McpHttpHandler implements OnApplicationShutdown {
  private readonly sdk: SdkHttpHandler;
  private readonly onError: (error: Error) => void;
  private readonly fastLane: boolean;
  private readonly isTool = (name: string): boolean => this.tools.has(name);

  constructor(
    private readonly factory: McpServerFactory,
    private readonly tools: McpToolHandlers,
    config: ConfigService<Environment, true>,
    @InjectPinoLogger(McpHttpHandler.name) private readonly logger: PinoLogger,
  ) {
    this.fastLane = config.get('MCP_FAST_LANE', { infer: true });
    this.onError = (error) => this.logger.debug({ reason: error.message }, 'MCP request rejected');
    this.sdk = createMcpHandler(({ authInfo }) => this.serverFor(authInfo), { legacy: 'stateless', onerror: this.onError });
  }

  /** The MCP request entry: one authenticated HTTP request whose JSON body `mcpBodyParser` has already read. */
  async serve(req: AuthenticatedRequest, res: Response): Promise<void> {
    const caller: CallerInfo = { principal: req.principal as Principal, requestId: String(req.id) };
    const fast = this.fastLane && req.method === 'POST' ? recognizeFastRequest(req.headers, req.body, this.isTool) : undefined;
    if (fast) return traceMcpHttpRequest(req, res, () => this.serveFast(fast, caller, res));
    const auth: AuthInfo = { token: '', clientId: caller.principal.clientId, scopes: [...caller.principal.scopes], extra: { ...caller } };
    await traceMcpHttpRequest(req, res, () => serveNodeRequest(this.dispatch, req, res, req.body, auth));
  }

  /** Answers one fast-lane request (see the class comment); a client that goes away cancels the call. */
  private async serveFast(request: FastRequest, caller: CallerInfo, res: Response): Promise<void> {
    let body: string;
    try {
      if (request.method === 'tools/list') {
        body = encodeFastAnswer(request, { tools: this.tools.list(caller.principal) });
      } else {
        const abort = new CallAbort();
        const onClose = (): void => abort.cancel('the client went away');
        res.once('close', onClose);
        try {
          const result = await this.tools.call({
            principal: caller.principal,
            door: 'http',
            requestId: caller.requestId,
            cancellationScope: cancellationScopeOf(caller),
            id: request.id,
            params: request.params,
            abort,
          });
          body = encodeFastAnswer(request, result as unknown as Record<string, unknown>);
        } finally {
          res.off('close', onClose);
        }
      }
    } catch (error) {
      this.logger.error({ err: error }, 'MCP fast-lane request failed');
      body = internalErrorAnswer(request.id);
    }
    // A declared length: one write of headers and body, no chunked framing.
    if (!res.writableEnded && !res.destroyed) res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  }

  /** Routes one web request to the JSON legacy leg or to the SDK's handler (see the class comment). */
  private readonly dispatch = async (request: Request, options: McpHandlerRequestOptions): Promise<globalThis.Response> => {
    const body = options.parsedBody;
    if (request.method === 'POST' && answerableAsJson(body) && (await isLegacyRequest(request, body))) {
      return this.serveLegacyAsJson(request, options);
    }
    return this.sdk.fetch(request, options);
  };

  /**
   * The SDK's stateless 2025-era serving (a fresh server on a `WebStandardStreamableHTTPServerTransport`
   * with no session ids, as `createMcpHandler` builds it) with `enableJsonResponse`; torn down once answered
   * or when the client goes away.
   */
  private async serveLegacyAsJson(request: Request, options: McpHandlerRequestOptions): Promise<globalThis.Response> {
    const server = this.serverFor(options.authInfo);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    transport.onerror = this.onError;
    await server.connect(transport);
    const teardown = (): void => {
      transport.close().catch(() => undefined);
      server.close().catch(() => undefined);
    };
    request.signal.addEventListener('abort', teardown, { once: true });
    try {
      return await transport.handleRequest(request, options);
    } finally {
      request.signal.removeEventListener('abort', teardown);
      teardown();
    }
  }

  private serverFor(authInfo: AuthInfo | undefined): Server {
    const caller = authInfo?.extra as unknown as CallerInfo;
    return this.factory.create({
      principal: caller.principal,
      door: 'http',
      requestId: () => caller.requestId,
      cancellationScope: cancellationScopeOf(caller),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sdk.close();
  }
}
