import { SpanKind, trace } from '@opentelemetry/api';
import { ToolException } from '../errors/tool.exception';
import { markSpanFailed } from './span-errors';
import {
  ATTR_DOOR,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_KEY_ID,
  ATTR_REQUEST_ID,
  ATTR_TOOL_OUTCOME,
  TRACER_NAME,
} from './tracing.constants';

/** What the tool span records of a call: never its arguments. */
export interface TracedToolCall {
  readonly name: string;
  readonly door: string;
  readonly requestId: string;
  readonly principal: { readonly clientId: string };
}

/**
 * Runs one tool invocation inside its span (`execute_tool {name}`): tool name, key/client id, door, request id,
 * and the outcome (`ok`, or the ToolException status `invalid|not_found|forbidden|retry|error`). A failure sets
 * the span's status and `error.type` (the exception class), never its message.
 */
export function inToolSpan<T>(call: TracedToolCall, work: () => Promise<T>): Promise<T> {
  const attributes = {
    [ATTR_GEN_AI_TOOL_NAME]: call.name.slice(0, 64),
    [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
    [ATTR_KEY_ID]: call.principal.clientId,
    [ATTR_DOOR]: call.door,
    [ATTR_REQUEST_ID]: call.requestId,
  };
  return trace.getTracer(TRACER_NAME).startActiveSpan(`execute_tool ${attributes[ATTR_GEN_AI_TOOL_NAME]}`, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      const result = await work();
      span.setAttribute(ATTR_TOOL_OUTCOME, 'ok');
      return result;
    } catch (error) {
      span.setAttribute(ATTR_TOOL_OUTCOME, error instanceof ToolException ? error.status : 'error');
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
