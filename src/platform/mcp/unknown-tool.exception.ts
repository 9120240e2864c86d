import { ToolNotFoundException } from '../errors/tool.exception';

/** No tool has this name: a protocol error over MCP, 404 on the REST facade. */
export class UnknownToolException extends ToolNotFoundException {
  constructor(readonly toolName: string) {
    super(`Unknown tool: ${toolName}`);
  }
}
