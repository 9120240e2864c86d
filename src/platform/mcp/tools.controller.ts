import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ChallengeScopes } from '../auth/challenge-scopes.decorator';
import { AuthenticatedRequest, Principal } from '../auth/principal.interface';
import { LEGACY_TOOLS_PATH, TOOLS_PATH } from './openapi-document';
import { OriginGuard } from './origin.guard';
import { ToolInvoker } from './tool-invoker.service';
import { ToolDefinition, ToolRegistry } from './tool.registry';
import { CallAbort } from './call-abort';

/**
 * The REST facade: `GET /v1/tools` and `POST /v1/tools/:name` with the arguments as the JSON body, behind
 * the global API-key guard and rate limit. Calls take the one ToolInvoker path; a ToolException (unknown
 * tool included) propagates to the global filter, which answers 400/403/404/503/500. `POST /v1/mcp/:name`
 * is the original design's path for the same handler (its route template stays apart in the metrics).
 */
@Controller()
@UseGuards(OriginGuard)
export class ToolsController {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly invoker: ToolInvoker,
  ) {}

  /** The tools the caller's scopes allow. */
  @Get(TOOLS_PATH)
  list(@Req() req: AuthenticatedRequest): { tools: ToolDefinition[] } {
    return { tools: this.registry.definitionsFor((req.principal as Principal).scopes) };
  }

  /** 200 with the structured result, or `{ text }` when the tool answered with text. */
  @Post([`${TOOLS_PATH}/:name`, `${LEGACY_TOOLS_PATH}/:name`])
  @ChallengeScopes((req, modules) => modules.get(ToolRegistry, { strict: false }).get(String(req.params.name))?.scopes)
  @HttpCode(HttpStatus.OK)
  async call(
    @Param('name') name: string,
    @Body() args: unknown,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    // The request's own 'close' fires once its body is read; the response's fires when the connection
    // goes, and before it has finished only when the client left early.
    const disconnect = new CallAbort();
    const onClose = (): void => {
      if (!res.writableFinished) disconnect.cancel('the client disconnected');
    };
    res.on('close', onClose);
    if (req.socket.destroyed) onClose();
    try {
      const output = await this.invoker.invoke({
        name,
        arguments: args,
        requestId: String(req.id),
        principal: req.principal as Principal,
        door: 'rest',
        abort: disconnect,
      });
      return output.structured ?? { text: output.text };
    } finally {
      res.off('close', onClose);
    }
  }
}
