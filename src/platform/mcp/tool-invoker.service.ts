import { hash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Environment } from '../../config/environment';
import { missingScopes } from '../auth/scopes';
import {
  InvalidArgumentsException,
  ToolException,
  ToolFailedException,
  ToolForbiddenException,
  ToolRetryException,
} from '../errors/tool.exception';
import { traceExemplarLabels } from '../tracing/trace-exemplar';
import { inToolSpan } from '../tracing/tool-span';
import { BodyLimits, findBodyLimitViolation } from './body-limits';
import { FlatFields, flatLineLogger, requestLogger } from './request-logger';
import { validateDto } from './dto-validator';
import { MCP_TOOL_CALLS_TOTAL, MCP_TOOL_DURATION_SECONDS, MCP_TOOL_IN_FLIGHT } from './mcp.metrics';
import { ToolCall, ToolOutput } from './tool-call.interface';
import { ToolContext } from './tool-context.interface';
import { RegisteredTool, ToolRegistry } from './tool.registry';
import { UnknownToolException } from './unknown-tool.exception';
import { CallAbort, CallCancelled } from './call-abort';

class DeadlineExceeded extends Error {}

/**
 * The logger of one call (request id and tool name on every line). The child logger is made only when a line
 * other than the audit line is written or a tool reads `ctx.logger`: most calls write the audit line alone,
 * which carries the same two bindings inline.
 */
class CallLogger {
  private child: Logger | undefined;

  constructor(
    private readonly fallback: PinoLogger,
    private readonly call: ToolCall,
  ) {}

  get(): Logger {
    this.child ??= requestLogger(this.fallback, { request_id: this.call.requestId, tool: this.call.name });
    return this.child;
  }

  /** One info line with the call's bindings, through the child when there is one, else through the root (unredacted: the fields are flat). */
  line(fields: FlatFields, message: string): void {
    if (this.child) this.child.info(fields, message);
    else flatLineLogger(this.fallback).info({ request_id: this.call.requestId, tool: this.call.name, ...fields }, message);
  }
}

/** Written in the audit line instead of a digest when the arguments cannot be hashed (or are over the limits). */
export const UNHASHABLE = 'unhashable';

/** First 16 hex digits of the SHA-256 of the arguments' JSON; `unhashable` when they cannot be serialised. */
function digest(value: unknown): string {
  try {
    return hash('sha256', JSON.stringify(value ?? null), 'hex').slice(0, 16);
  } catch {
    return UNHASHABLE;
  }
}

/**
 * The one invocation path of every tool call, whichever door it came in by: scopes, input validation,
 * deadline and cancellation, the call, output validation, metrics, one audit line, errors mapped to
 * ToolException. Arguments are never logged, only a digest of them.
 */
@Injectable()
export class ToolInvoker {
  private readonly defaultTimeoutMs: number;
  /** TOOL_MAX_TIMEOUT_SECONDS: no call runs longer, whatever `timeoutMs` its tool declares. */
  private readonly maxTimeoutMs: number;
  private readonly limits: BodyLimits;

  constructor(
    private readonly registry: ToolRegistry,
    config: ConfigService<Environment, true>,
    @InjectMetric(MCP_TOOL_CALLS_TOTAL) private readonly calls: Counter<string>,
    @InjectMetric(MCP_TOOL_DURATION_SECONDS) private readonly duration: Histogram<string>,
    @InjectMetric(MCP_TOOL_IN_FLIGHT) private readonly inFlight: Gauge<string>,
    @InjectPinoLogger(ToolInvoker.name) private readonly pino: PinoLogger,
  ) {
    this.defaultTimeoutMs = config.get('TOOL_TIMEOUT_SECONDS', { infer: true }) * 1000;
    this.maxTimeoutMs = config.get('TOOL_MAX_TIMEOUT_SECONDS', { infer: true }) * 1000;
    this.limits = {
      maxDepth: config.get('BODY_MAX_DEPTH', { infer: true }),
      maxElements: config.get('BODY_MAX_ELEMENTS', { infer: true }),
    };
  }

  /** One tool call, inside its trace span (a no-op with tracing off). */
  invoke(call: ToolCall): Promise<ToolOutput> {
    return inToolSpan(call, () => this.invokeUntraced(call));
  }

  private async invokeUntraced(call: ToolCall): Promise<ToolOutput> {
    const logger = new CallLogger(this.pino, call);
    const tool = this.registry.get(call.name);
    if (!tool) {
      logger.get().info({ key_id: call.principal.clientId, door: call.door }, 'unknown tool called');
      throw new UnknownToolException(call.name);
    }
    const started = process.hrtime.bigint();
    // Checked iteratively before anything recursive (validation, the digest) touches the arguments.
    const overLimit = findBodyLimitViolation(call.arguments, this.limits);
    let outcome = 'ok';
    this.inFlight.inc({ tool: call.name });
    try {
      if (overLimit) throw new InvalidArgumentsException([{ field: '(arguments)', message: overLimit.message }]);
      return await this.run(tool, call, logger);
    } catch (error) {
      const mapped = this.toToolException(error, tool, logger.get());
      outcome = error instanceof CallCancelled ? 'cancelled' : mapped.status;
      throw mapped;
    } finally {
      this.audit(call, logger, outcome, started, overLimit ? UNHASHABLE : digest(call.arguments));
    }
  }

  /** Metrics and the audit line. Never throws: a failure here is logged, and the call's answer stands. */
  private audit(call: ToolCall, logger: CallLogger, outcome: string, started: bigint, argumentsDigest: string): void {
    try {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.inFlight.dec({ tool: call.name });
      this.calls.inc({ tool: call.name, status: outcome, key_id: call.principal.clientId });
      this.duration.observe({ labels: { tool: call.name }, value: seconds, exemplarLabels: traceExemplarLabels() });
      logger.line(
        {
          audit: true,
          key_id: call.principal.clientId,
          door: call.door,
          outcome,
          duration_ms: Math.round(seconds * 1e4) / 10,
          arguments_sha256: argumentsDigest,
        },
        'tool call',
      );
    } catch (error) {
      logger.get().error({ err: error, tool: call.name }, 'recording metrics or the audit line of a tool call failed');
    }
  }

  private async run(tool: RegisteredTool, call: ToolCall, callLogger: CallLogger): Promise<ToolOutput> {
    const missing = missingScopes(call.principal.scopes, tool.scopes);
    if (missing.length > 0) throw new ToolForbiddenException(`The caller lacks the scope(s): ${missing.join(', ')}`, missing);

    const input = await validateDto(tool.input, call.arguments);
    if (!input.ok) throw new InvalidArgumentsException(input.issues);

    // One abort for the call: the door's (client gone, cancel) or a new one; the deadline aborts it too.
    const abort = call.abort ?? new CallAbort();
    const deadline = setTimeout(() => abort.abort(new DeadlineExceeded()), this.timeoutMsOf(tool));
    const ctx: ToolContext = {
      requestId: call.requestId,
      principal: call.principal,
      get logger() {
        return callLogger.get();
      },
      get signal() {
        return abort.signal;
      },
      reportProgress: (progress, total, message) => (call.onProgress && !abort.aborted ? call.onProgress(progress, total, message) : Promise.resolve()),
    };
    try {
      // Rejected with the abort's reason when it comes first: a DeadlineExceeded or a CallCancelled.
      const result = await abort.race(Promise.resolve().then(() => tool.handler(input.value, ctx)));
      return await this.toOutput(tool, result, callLogger);
    } finally {
      clearTimeout(deadline);
    }
  }

  private async toOutput(tool: RegisteredTool, result: unknown, logger: CallLogger): Promise<ToolOutput> {
    if (tool.output) {
      const checked = await validateDto(tool.output, result, 'drop', '(result)');
      if (!checked.ok) {
        logger.get().error({ issues: checked.issues }, 'tool result does not match its output schema');
        throw new ToolFailedException('Tool result did not match its output schema');
      }
      result = checked.value;
    }
    const links = tool.resourceLinks?.(result);
    const output = this.plainOutput(result);
    return links && links.length > 0 ? { ...output, links } : output;
  }

  private plainOutput(result: unknown): ToolOutput {
    if (typeof result === 'string') return { text: result };
    if (result === undefined) return { text: '' };
    const json = JSON.stringify(result);
    const structured = JSON.parse(json) as unknown;
    return structured !== null && typeof structured === 'object' && !Array.isArray(structured)
      ? { text: json, structured: structured as Record<string, unknown> }
      : { text: json };
  }

  private timeoutMsOf(tool: RegisteredTool): number {
    return Math.min(tool.timeoutMs ?? this.defaultTimeoutMs, this.maxTimeoutMs);
  }

  private toToolException(error: unknown, tool: RegisteredTool, logger: Logger): ToolException {
    if (error instanceof ToolException) {
      if (error.status === 'error' || error.cause !== undefined) logger.warn({ err: error }, 'tool failed');
      return error;
    }
    if (error instanceof DeadlineExceeded) {
      const seconds = this.timeoutMsOf(tool) / 1000;
      return new ToolRetryException(`Tool call timed out after ${seconds}s`, 1);
    }
    if (error instanceof CallCancelled) return new ToolRetryException('Tool call was cancelled', 0);
    logger.error({ err: error }, 'tool threw an unexpected error');
    return new ToolFailedException('Tool failed', { cause: error });
  }
}
