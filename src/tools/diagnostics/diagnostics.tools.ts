import { Injectable } from '@nestjs/common';
import { McpTool } from '../../platform/mcp/mcp-tool.decorator';
import { McpToolProvider } from '../../platform/mcp/mcp-tool-provider.decorator';
import { ToolContext } from '../../platform/mcp/tool-context.interface';
import { EchoInput, EchoOutput } from './echo.dto';

/** End-to-end checks an agent or operator can run: is the whole path (auth, limits, tools) working? */
@McpToolProvider()
@Injectable()
export class DiagnosticsTools {
  @McpTool({
    name: 'echo',
    title: 'Echo',
    description: 'Returns the given text unchanged, with the request id of the call. Use it to check connectivity.',
    input: EchoInput,
    output: EchoOutput,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  })
  echo(input: EchoInput, ctx: ToolContext): EchoOutput {
    return { text: input.text, request_id: ctx.requestId };
  }
}
