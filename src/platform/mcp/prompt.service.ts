import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { GetPromptResult, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { Counter, Histogram } from 'prom-client';
import { Environment } from '../../config/environment';
import { Principal } from '../auth/principal.interface';
import { missingScopes } from '../auth/scopes';
import { ToolException } from '../errors/tool.exception';
import { CallAbort, CallCancelled } from './call-abort';
import { validateDto } from './dto-validator';
import { MCP_PROMPT_DURATION_SECONDS, MCP_PROMPT_GETS_TOTAL } from './mcp-prompt.metrics';
import { PromptContent, PromptContext, PromptOutput } from './mcp-prompt-options.interface';
import { PromptRegistry } from './prompt.registry';
import { RegisteredPrompt } from './registered-prompt';
import { requestLogger } from './request-logger';
import { ToolDoor } from './tool-call.interface';

/** Most messages one rendering may hold. */
export const MAX_PROMPT_MESSAGES = 100;
/** Most characters of text (text, embedded resource text, image data) one rendering may hold. */
export const MAX_PROMPT_RESULT_CHARS = 1_048_576;

/** One `prompts/get` as a door hands it over. */
export interface PromptGet {
  readonly name: string;
  readonly arguments: Readonly<Record<string, string>> | undefined;
  readonly requestId: string;
  readonly principal: Principal;
  readonly door: ToolDoor;
  /** Cancelled by the door (client cancel, request end); the deadline aborts it too. */
  readonly abort: CallAbort;
}

class PromptDeadline extends Error {}

function charsOf(content: PromptContent): number {
  switch (content.type) {
    case 'text':
      return content.text.length;
    case 'image':
      return content.data.length;
    case 'resource':
      return content.resource.text.length + content.resource.uri.length;
    default:
      return content.uri.length + content.name.length + (content.description?.length ?? 0);
  }
}

/** The handler's answer, checked: the shape our types promise (a JS family could break it) and the size bounds. */
function checkedOutput(value: unknown): PromptOutput | string {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as PromptOutput).messages)) return 'did not return { messages: [...] }';
  const output = value as PromptOutput;
  if (output.messages.length > MAX_PROMPT_MESSAGES) return `returned more than ${MAX_PROMPT_MESSAGES} messages`;
  let chars = output.description?.length ?? 0;
  for (const message of output.messages) {
    if ((message?.role !== 'user' && message?.role !== 'assistant') || typeof message.content?.type !== 'string') return 'returned a malformed message';
    chars += charsOf(message.content);
    if (chars > MAX_PROMPT_RESULT_CHARS) return `returned more than ${MAX_PROMPT_RESULT_CHARS} characters`;
  }
  return output;
}

/**
 * Renders prompts for every door: scopes, argument validation (the prompt's DTO, errors naming the field),
 * deadline and cancellation, bounded output, one audit line and metrics, errors mapped to JSON-RPC errors.
 * Argument values are never logged, only a digest.
 */
@Injectable()
export class PromptService {
  private readonly timeoutMs: number;

  constructor(
    private readonly registry: PromptRegistry,
    config: ConfigService<Environment, true>,
    @InjectMetric(MCP_PROMPT_GETS_TOTAL) private readonly gets: Counter<string>,
    @InjectMetric(MCP_PROMPT_DURATION_SECONDS) private readonly duration: Histogram<string>,
    @InjectPinoLogger(PromptService.name) private readonly pino: PinoLogger,
  ) {
    this.timeoutMs = config.get('TOOL_TIMEOUT_SECONDS', { infer: true }) * 1000;
  }

  async get(request: PromptGet): Promise<GetPromptResult> {
    const logger = requestLogger(this.pino, { request_id: request.requestId, prompt: request.name });
    const prompt = this.registry.get(request.name);
    if (!prompt) {
      logger.info({ key_id: request.principal.clientId, door: request.door }, 'unknown prompt requested');
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${request.name}`);
    }
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      return await this.render(prompt, request, logger);
    } catch (error) {
      outcome = error instanceof PromptFailure ? error.outcome : 'error';
      throw error instanceof PromptFailure ? error.protocolError : error;
    } finally {
      this.audit(request, logger, outcome, started);
    }
  }

  private async render(prompt: RegisteredPrompt, request: PromptGet, logger: Logger): Promise<GetPromptResult> {
    const missing = missingScopes(request.principal.scopes, prompt.scopes);
    if (missing.length > 0) {
      throw new PromptFailure('forbidden', ProtocolErrorCode.InvalidRequest, `The caller lacks the scope(s): ${missing.join(', ')}`);
    }
    const args = prompt.input ? await validateDto(prompt.input, request.arguments ?? {}) : { ok: true as const, value: {} };
    if (!args.ok) {
      throw new PromptFailure('invalid', ProtocolErrorCode.InvalidParams, `Invalid arguments: ${args.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
    }
    const { abort } = request;
    const deadline = setTimeout(() => abort.abort(new PromptDeadline()), this.timeoutMs);
    const ctx: PromptContext = { requestId: request.requestId, principal: request.principal, logger, signal: abort.signal };
    let value: unknown;
    try {
      value = await abort.race(Promise.resolve().then(() => prompt.handler(args.value, ctx)));
    } catch (error) {
      throw this.failure(error, request, logger);
    } finally {
      clearTimeout(deadline);
    }
    const output = checkedOutput(value);
    if (typeof output === 'string') {
      logger.error({ problem: output }, 'prompt handler answered out of bounds');
      throw new PromptFailure('error', ProtocolErrorCode.InternalError, `Getting prompt ${prompt.definition.name} failed (request ${request.requestId})`);
    }
    return {
      ...(output.description !== undefined ? { description: output.description } : {}),
      messages: output.messages.map((message) => ({ role: message.role, content: { ...message.content } as GetPromptResult['messages'][number]['content'] })),
    };
  }

  private failure(error: unknown, request: PromptGet, logger: Logger): PromptFailure {
    if (error instanceof PromptDeadline) {
      return new PromptFailure('retry', ProtocolErrorCode.InternalError, `Getting prompt ${request.name} timed out after ${this.timeoutMs / 1000}s`);
    }
    if (request.abort.reason instanceof CallCancelled) return new PromptFailure('cancelled', ProtocolErrorCode.InternalError, 'Request cancelled');
    if (error instanceof ToolException) {
      if (error.status === 'invalid' || error.status === 'not_found') return new PromptFailure(error.status, ProtocolErrorCode.InvalidParams, error.message);
      if (error.status === 'forbidden') return new PromptFailure('forbidden', ProtocolErrorCode.InvalidRequest, error.message);
      logger.warn({ err: error }, 'prompt failed');
      const text = error.status === 'retry' ? `${error.message} (request ${request.requestId})` : `Getting prompt ${request.name} failed (request ${request.requestId})`;
      return new PromptFailure(error.status, ProtocolErrorCode.InternalError, text);
    }
    logger.error({ err: error }, 'prompt threw an unexpected error');
    return new PromptFailure('error', ProtocolErrorCode.InternalError, `Getting prompt ${request.name} failed (request ${request.requestId})`);
  }

  /** Metrics and the audit line; never throws. */
  private audit(request: PromptGet, logger: Logger, outcome: string, started: bigint): void {
    try {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.gets.inc({ prompt: request.name, status: outcome, key_id: request.principal.clientId });
      this.duration.observe({ prompt: request.name }, seconds);
      logger.info(
        {
          audit: true,
          key_id: request.principal.clientId,
          door: request.door,
          outcome,
          duration_ms: Math.round(seconds * 1e4) / 10,
          arguments_sha256: createHash('sha256').update(JSON.stringify(request.arguments ?? {})).digest('hex').slice(0, 16),
        },
        'prompt get',
      );
    } catch (error) {
      logger.error({ err: error }, 'recording metrics or the audit line of a prompt get failed');
    }
  }
}

/** A failed get: its audit outcome and the JSON-RPC error the client gets. */
class PromptFailure extends Error {
  readonly protocolError: ProtocolError;

  constructor(
    readonly outcome: string,
    code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.protocolError = new ProtocolError(code, message);
  }
}

