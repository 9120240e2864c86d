/** The instrumentation scope of every span this server makes (the `pg` spans have their own). */
export const TRACER_NAME = 'mcp-tool-server';

/** Attribute names from the OpenTelemetry semantic conventions still marked experimental (not exported by the stable entry point). */
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';

/** This server's own attributes. */
export const ATTR_TOOL_OUTCOME = 'mcp_tool_server.tool.outcome';
export const ATTR_KEY_ID = 'mcp_tool_server.key_id';
export const ATTR_DOOR = 'mcp_tool_server.door';
export const ATTR_REQUEST_ID = 'mcp_tool_server.request_id';
export const ATTR_CIRCUIT_STATE = 'mcp_tool_server.circuit.state';

/** The `_meta` key of a 2026-07-28 request naming its protocol version. */
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
