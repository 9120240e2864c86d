/** Metadata key of `@McpTool()` on a method. */
export const MCP_TOOL = 'mcp:tool';

/** Metadata key of `@McpPrompt()` on a method. */
export const MCP_PROMPT = 'mcp:prompt';

/** Tool names: snake_case, starting with a letter, at most 64 characters. */
export const TOOL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Name and version the server announces to MCP clients. */
export const MCP_SERVER_NAME = 'mcp-tool-server';
