import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Allow, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FieldIssue } from '../../platform/errors/tool.exception';
import { JsonSchema } from '../../platform/mcp/dto-json-schema';
import { DtoClass } from '../../platform/mcp/mcp-tool-options.interface';
import { pascalCase, runtimeDtoClass } from '../../platform/mcp/runtime-dto';
import { mainType, OpenApiOperation } from './openapi-operations';

/** The class-validator decorators that mirror the simple rules of one argument's JSON Schema. */
function validatorsOf(schema: JsonSchema, required: boolean): PropertyDecorator[] {
  const decorators: PropertyDecorator[] = [];
  const type = mainType(schema);
  if (Array.isArray(schema.enum)) decorators.push(IsIn(schema.enum));
  else if (type === 'string') decorators.push(IsString());
  else if (type === 'integer') decorators.push(IsInt());
  else if (type === 'number') decorators.push(IsNumber({ allowNaN: false, allowInfinity: false }));
  else if (type === 'boolean') decorators.push(IsBoolean());
  else if (type === 'array') decorators.push(IsArray());
  else if (type === 'object') decorators.push(IsObject());
  // Any other shape (oneOf, no type) is left to the JSON Schema check; Allow() keeps it whitelisted.
  else decorators.push(Allow());
  if (!required) decorators.push(IsOptional());
  if (type === 'integer' || type === 'number') {
    if (typeof schema.minimum === 'number') decorators.push(Min(schema.minimum));
    if (typeof schema.maximum === 'number') decorators.push(Max(schema.maximum));
  }
  if (type === 'string') {
    if (typeof schema.minLength === 'number') decorators.push(MinLength(schema.minLength));
    if (typeof schema.maxLength === 'number') decorators.push(MaxLength(schema.maxLength));
    if (typeof schema.pattern === 'string') decorators.push(Matches(new RegExp(schema.pattern, 'u')));
  }
  return decorators;
}

/**
 * Builds, at runtime, the input DTO class of one OpenAPI operation, named `OpenApi<PascalToolName>Input`:
 * one property per argument with the class-validator decorators its schema's simple rules imply (type,
 * enum, required, minimum/maximum, minLength/maxLength, pattern), `@IsObject()`/`@IsArray()` for composite
 * values. The full schema (nested bodies, array items, formats) is checked by `openApiArgumentsValidator`.
 *
 * @example
 * const Input = openApiInputDto(operation); // limit: { type: integer, minimum: 1, maximum: 100 }
 * await validateDto(Input, { limit: 0 }); // limit must not be less than 1
 */
export function openApiInputDto(operation: OpenApiOperation): DtoClass {
  const properties = operation.inputSchema.properties as Record<string, JsonSchema>;
  const required = new Set((operation.inputSchema.required as string[] | undefined) ?? []);
  return runtimeDtoClass(
    `OpenApi${pascalCase(operation.toolName)}Input`,
    Object.entries(properties).map(([name, schema]) => ({ name, decorators: validatorsOf(schema, required.has(name)) })),
  );
}

/** `/body/items/0/name` → `body.items[0].name`. */
function fieldOf(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : field ? `${field}.${part}` : part), '');
}

function issueOf(error: ErrorObject): FieldIssue {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return { field: fieldOf(error.instancePath, String(params.missingProperty)), message: 'is required' };
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    const extra = params.additionalProperty ?? params.unevaluatedProperty;
    return { field: fieldOf(error.instancePath, String(extra)), message: 'is not an accepted field' };
  }
  return { field: fieldOf(error.instancePath) || '(arguments)', message: error.message ?? 'is invalid' };
}

/** Validates arguments against the operation's full input schema; `[]` when they conform. */
export type OpenApiArgumentsValidator = (args: unknown) => FieldIssue[];

/** Validates an upstream answer against the operation's output schema; true when it conforms. */
export type OpenApiOutputValidator = (value: unknown) => boolean;

/**
 * One Ajv (JSON Schema 2020-12, formats, every error) per registrar: compiles each tool's schemas once, at boot.
 * Unknown keywords and formats are tolerated (`strict: false`), as OpenAPI documents carry annotations.
 */
export class OpenApiSchemaCompiler {
  private readonly ajv: Ajv2020;

  constructor() {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(this.ajv);
  }

  /**
   * @example
   * compiler.arguments(operation)({ body: { name: 'Ada' } }); // [{ field: 'body.email', message: 'is required' }]
   */
  arguments(operation: OpenApiOperation): OpenApiArgumentsValidator {
    const validate = this.compile(operation.inputSchema);
    return (args) => (validate(args) ? [] : (validate.errors ?? []).map(issueOf).filter(dedupe()));
  }

  output(schema: JsonSchema): OpenApiOutputValidator {
    const validate = this.compile(schema);
    return (value) => validate(value);
  }

  private compile(schema: JsonSchema): ValidateFunction {
    // Without `$schema` (OpenAPI 3.0 documents, and most 3.1 ones) Ajv would use its own default meta-schema.
    const { $schema: _ignored, ...rest } = schema;
    return this.ajv.compile(rest);
  }
}

function dedupe(): (issue: FieldIssue) => boolean {
  const seen = new Set<string>();
  return (issue) => {
    const key = `${issue.field}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}
