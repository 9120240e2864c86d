import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { AuthInfo, createMcpHandler, McpHttpHandler as SdkHttpHandler } from '@modelcontextprotocol/server';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AuthenticatedRequest, Principal } from '../auth/principal.interface';
import { traceMcpHttpRequest } from '../tracing/mcp-request-tracing';
import { McpServerFactory } from './mcp-server.factory';
import type { Response } from 'express';

interface CallerInfo {
  readonly principal: Principal;
  readonly requestId: string;
}

/**
 * Streamable HTTP for both protocol eras on one endpoint: 2026-07-28 requests go to the SDK's modern
 * per-request path, 2025-era ones (`initialize`, 2025-11-25 … 2025-03-26) to its stateless legacy path.
 * Every request gets its own server instance, so any replica can answer any request.
 */
@Injectable()
export class McpHttpHandler implements OnApplicationShutdown {
  private readonly sdk: SdkHttpHandler;
  private readonly handle: ReturnType<typeof toNodeHandler>;

  constructor(
    factory: McpServerFactory,
    @InjectPinoLogger(McpHttpHandler.name) private readonly logger: PinoLogger,
  ) {
    this.sdk = createMcpHandler(
      ({ authInfo }) => {
        const caller = authInfo?.extra as unknown as CallerInfo;
        return factory.create({
          principal: caller.principal,
          door: 'http',
          requestId: () => caller.requestId,
          cancellationScope: `key:${caller.principal.clientId}`,
        });
      },
      {
        legacy: 'stateless',
        onerror: (error) => this.logger.debug({ reason: error.message }, 'MCP request rejected'),
      },
    );
    this.handle = toNodeHandler(this.sdk);
  }

  /** Serves one authenticated HTTP request whose JSON body `mcpBodyParser` has already read. */
  async serve(req: AuthenticatedRequest, res: Response): Promise<void> {
    const caller: CallerInfo = { principal: req.principal as Principal, requestId: String(req.id) };
    const auth: AuthInfo = { token: '', clientId: caller.principal.clientId, scopes: [...caller.principal.scopes], extra: { ...caller } };
    (req as AuthenticatedRequest & { auth?: AuthInfo }).auth = auth;
    await traceMcpHttpRequest(req, res, () => this.handle(req, res, req.body));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sdk.close();
  }
}
