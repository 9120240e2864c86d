import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CompleteResult, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { Principal } from '../auth/principal.interface';
import { scopesAllow } from '../auth/scopes';
import { ArgumentCompleter } from './mcp-prompt-options.interface';
import { CompleteParams } from './prompt-request-params';
import { PromptRegistry } from './prompt.registry';
import { requestLogger } from './request-logger';
import { ResourceRegistry } from './resource.registry';

/** Most values one completion answers (the MCP limit). */
export const MAX_COMPLETION_VALUES = 100;
/** Longest single value kept; longer ones are dropped. */
const MAX_COMPLETION_VALUE_CHARS = 1024;

const invalid = (message: string): ProtocolError => new ProtocolError(ProtocolErrorCode.InvalidParams, message);

/**
 * `completion/complete` for prompt arguments and resource-template variables. The reference must be one the
 * caller may see (else it is answered as unknown, so scopes leak no names); the completer runs under the
 * request's signal and the tool deadline; its answer is cut to 100 distinct strings with `total`/`hasMore`.
 */
@Injectable()
export class CompletionService {
  private readonly timeoutMs: number;

  constructor(
    private readonly prompts: PromptRegistry,
    private readonly resources: ResourceRegistry,
    config: ConfigService<Environment, true>,
    @InjectPinoLogger(CompletionService.name) private readonly pino: PinoLogger,
  ) {
    this.timeoutMs = config.get('TOOL_TIMEOUT_SECONDS', { infer: true }) * 1000;
  }

  /** Whether anything can be completed (prompts or resource templates exist): the `completions` capability. */
  get available(): boolean {
    return !this.prompts.empty || !this.resources.empty;
  }

  async complete(params: CompleteParams, principal: Principal, signal: AbortSignal, requestId: string): Promise<CompleteResult> {
    const completer = this.completerFor(params, principal);
    if (!completer) return { completion: { values: [], total: 0, hasMore: false } };
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
    let found: readonly string[];
    try {
      found = await completer(params.argument.value, { requestId, principal, signal: deadline, arguments: params.context?.arguments ?? {} });
    } catch (error) {
      requestLogger(this.pino, { request_id: requestId }).error({ err: error, argument: params.argument.name }, 'completion failed');
      throw new ProtocolError(ProtocolErrorCode.InternalError, `Completing ${params.argument.name} failed (request ${requestId})`);
    }
    const values = [...new Set((Array.isArray(found) ? found : []).filter((v): v is string => typeof v === 'string' && v.length <= MAX_COMPLETION_VALUE_CHARS))];
    return {
      completion: { values: values.slice(0, MAX_COMPLETION_VALUES), total: values.length, hasMore: values.length > MAX_COMPLETION_VALUES },
    };
  }

  private completerFor(params: CompleteParams, principal: Principal): ArgumentCompleter | undefined {
    const argument = params.argument.name;
    if (params.ref.type === 'ref/prompt') {
      const name = params.ref.name;
      const prompt = this.prompts.get(name);
      if (!prompt || !scopesAllow(principal.scopes, prompt.scopes)) throw invalid(`Unknown prompt: ${name}`);
      if (!prompt.definition.arguments.some((a) => a.name === argument)) throw invalid(`argument.name: prompt ${name} has no argument "${argument}"`);
      return prompt.completers[argument];
    }
    const uri = params.ref.uri;
    const template = this.resources.list().find((t) => t.uriTemplate === uri && scopesAllow(principal.scopes, t.scopes));
    if (!template) throw invalid(`Unknown resource template: ${uri}`);
    if (!uri.includes(`{${argument}}`)) throw invalid(`argument.name: resource template ${uri} has no variable "${argument}"`);
    return template.complete?.[argument];
  }
}
