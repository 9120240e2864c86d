import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { defaultToolScopes } from '../../platform/mcp/registered-tool';
import { RegisteredTool, ToolRegistry } from '../../platform/mcp/tool.registry';
import { ToolContext } from '../../platform/mcp/tool-context.interface';
import { OpenApiSchemaCompiler, openApiInputDto } from './openapi-input.dto';
import { OpenApiOperation, openApiOperations, OpenApiSpecError } from './openapi-operations';
import { openApiRequest, openApiResult } from './openapi-request';
import { loadOpenApiDocument } from './openapi-spec.loader';
import { RestConfig } from './rest.config';
import { UpstreamClient } from './upstream.client';
import { REST_FAMILY } from './rest.constants';

/**
 * Serves an OpenAPI-described API as tools: when OPENAPI_SPEC and API_BASE_URL are both set, at module
 * init (before the MCP explorer and any client listing) it validates and dereferences the document,
 * selects operations (OPENAPI_INCLUDE / OPENAPI_EXCLUDE), and registers one tool per operation whose
 * calls go through the UpstreamClient to API_BASE_URL only. An invalid document, a bad or colliding
 * tool name, or a circular schema fails the boot with one message listing every problem. OPENAPI_SPEC
 * without API_BASE_URL registers nothing and says so in a warning.
 *
 * Needs ToolRegistry (import McpModule), RestConfig and UpstreamClient (both in RestToolsModule).
 */
@Injectable()
export class OpenApiToolsRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly client: UpstreamClient,
    private readonly rest: RestConfig,
    private readonly config: ConfigService<Environment, true>,
    @InjectPinoLogger('OpenApiTools') private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    const file = this.config.get('OPENAPI_SPEC', { infer: true });
    if (file === undefined) return;
    if (!this.rest.enabled) {
      this.logger.warn({ file }, 'OPENAPI_SPEC is set but API_BASE_URL is not: no OpenAPI tools registered');
      return;
    }
    const document = await loadOpenApiDocument(file);
    let selected: ReturnType<typeof openApiOperations>;
    try {
      selected = openApiOperations(document, {
        include: this.config.get('OPENAPI_INCLUDE', { infer: true }),
        exclude: this.config.get('OPENAPI_EXCLUDE', { infer: true }),
        reservedHeaders: [this.rest.authHeader],
      });
    } catch (error) {
      if (error instanceof OpenApiSpecError) throw new Error(`OPENAPI_SPEC ${file}: ${error.message}`);
      throw error;
    }
    for (const warning of selected.warnings) this.logger.warn({ file }, `OpenAPI ${warning}`);
    const compiler = new OpenApiSchemaCompiler();
    for (const operation of selected.operations) {
      this.registry.register(this.toRegisteredTool(file, operation, compiler));
      this.logger.info(`OpenAPI ${file}#${operation.operationId} -> ${operation.toolName}`);
    }
    this.logger.info({ file, tools: selected.operations.length }, 'OpenAPI tools loaded');
  }

  private toRegisteredTool(file: string, operation: OpenApiOperation, compiler: OpenApiSchemaCompiler): RegisteredTool {
    const checkArguments = compiler.arguments(operation);
    const conforms = operation.outputSchema ? compiler.output(operation.outputSchema) : undefined;
    const { toolName: name } = operation;
    return {
      definition: {
        name,
        ...(operation.title !== undefined ? { title: operation.title } : {}),
        description: operation.description,
        inputSchema: operation.inputSchema,
        ...(operation.outputSchema ? { outputSchema: operation.outputSchema } : {}),
        annotations: operation.annotations,
      },
      input: openApiInputDto(operation),
      timeoutMs: this.rest.toolTimeoutMs,
      scopes: defaultToolScopes(REST_FAMILY, operation.annotations.readOnlyHint),
      source: `OpenAPI ${file}#${operation.operationId}`,
      handler: async (input: object, ctx: ToolContext): Promise<unknown> => {
        // The DTO checked the simple rules; the operation's own schema checks the rest (body, items, formats).
        const args = { ...(input as Record<string, unknown>) };
        const issues = checkArguments(args);
        if (issues.length > 0) throw new InvalidArgumentsException(issues);
        const response = await this.client.request(openApiRequest(operation, args, { signal: ctx.signal, requestId: ctx.requestId, tool: name }));
        return openApiResult(operation, response, conforms);
      },
    };
  }
}
