import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  InvalidArgumentsException,
  ToolFailedException,
  ToolNotFoundException,
  ToolRetryException,
} from '../../src/platform/errors/tool.exception';

export const SECRET_IN_ERROR = 'password=hunter2 at db.internal:5432';

/** Authenticated test-only routes: lets e2e tests exercise guards, limits and the error mapper. */
@Controller('probe')
export class ProbeController {
  @Get('items/:id')
  item(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error(`driver exploded: ${SECRET_IN_ERROR}`);
  }

  @Get('tool-error/:status')
  toolError(@Param('status') status: string): never {
    switch (status) {
      case 'invalid':
        throw new InvalidArgumentsException([{ field: 'limit', message: 'must not be greater than 1000' }]);
      case 'not_found':
        throw new ToolNotFoundException('Customer 42 not found');
      case 'retry':
        throw new ToolRetryException('Upstream timed out', 7, { cause: new Error(SECRET_IN_ERROR) });
      default:
        throw new ToolFailedException('upstream said: ' + SECRET_IN_ERROR);
    }
  }
}
