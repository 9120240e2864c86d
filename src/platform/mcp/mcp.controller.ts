import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticatedRequest } from '../auth/principal.interface';
import { McpHttpHandler } from './mcp-http.handler';
import { OriginGuard } from './origin.guard';

/** `/mcp`: MCP Streamable HTTP, behind the global API-key guard and rate limit. */
@Controller('mcp')
@UseGuards(OriginGuard)
export class McpController {
  constructor(private readonly http: McpHttpHandler) {}

  @All()
  handle(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res);
  }
}
