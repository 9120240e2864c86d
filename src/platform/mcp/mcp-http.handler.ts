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
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AuthenticatedRequest, Principal } from '../auth/principal.interface';
import { traceMcpHttpRequest } from '../tracing/mcp-request-tracing';
import { serveNodeRequest } from './mcp-node-adapter';
import { McpServerFactory } from './mcp-server.factory';
import type { Response } from 'express';

interface CallerInfo {
  readonly principal: Principal;
  readonly requestId: string;
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
 * Dispatch (`dispatch`): a 2025-era request that asks for no progress is served by the SDK's own
 * streamable HTTP transport in JSON mode (one body, no stream to build, wrap and drain); every other
 * request goes to the SDK's `createMcpHandler`, which also classifies it (`isLegacyRequest` is that same
 * classification, exported by the SDK so the two never disagree).
 */
@Injectable()
export class McpHttpHandler implements OnApplicationShutdown {
  private readonly sdk: SdkHttpHandler;
  private readonly onError: (error: Error) => void;

  constructor(
    private readonly factory: McpServerFactory,
    @InjectPinoLogger(McpHttpHandler.name) private readonly logger: PinoLogger,
  ) {
    this.onError = (error) => this.logger.debug({ reason: error.message }, 'MCP request rejected');
    this.sdk = createMcpHandler(({ authInfo }) => this.serverFor(authInfo), { legacy: 'stateless', onerror: this.onError });
  }

  /** The MCP request entry: one authenticated HTTP request whose JSON body `mcpBodyParser` has already read. */
  async serve(req: AuthenticatedRequest, res: Response): Promise<void> {
    const caller: CallerInfo = { principal: req.principal as Principal, requestId: String(req.id) };
    const auth: AuthInfo = { token: '', clientId: caller.principal.clientId, scopes: [...caller.principal.scopes], extra: { ...caller } };
    await traceMcpHttpRequest(req, res, () => serveNodeRequest(this.dispatch, req, res, req.body, auth));
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
      cancellationScope: `key:${caller.principal.clientId}`,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sdk.close();
  }
}
