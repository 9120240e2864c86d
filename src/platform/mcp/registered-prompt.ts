import { dtoJsonSchema, JsonSchema } from './dto-json-schema';
import { ArgumentCompleter, McpPromptOptions, PromptContext } from './mcp-prompt-options.interface';
import { DtoClass } from './mcp-tool-options.interface';
import { defaultToolScopes } from './registered-tool';

/** One argument as `prompts/list` shows it. */
export interface PromptArgumentDefinition {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
}

/** What clients see of a prompt (`prompts/list`). */
export interface PromptDefinition {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly arguments: readonly PromptArgumentDefinition[];
}

/** A registered prompt: its definition plus what the server needs to render and complete it. */
export interface RegisteredPrompt {
  readonly definition: PromptDefinition;
  readonly input?: DtoClass;
  readonly scopes: readonly string[];
  /** Where it came from, as `Class.method` (for logs and duplicate errors). */
  readonly source: string;
  readonly handler: (args: object, ctx: PromptContext) => unknown;
  /** Completers by argument name: the declared ones, then the `@IsIn` lists of the others. */
  readonly completers: Readonly<Record<string, ArgumentCompleter>>;
}

class NoArguments {}

/** Values of an enum-like property schema (`@IsIn([...])`), or undefined. */
function enumValues(schema: JsonSchema): readonly string[] | undefined {
  const values = schema.enum;
  return Array.isArray(values) && values.every((value) => typeof value === 'string') ? (values as string[]) : undefined;
}

/** Completes from a fixed list: the values starting with the partial text (case-insensitive), in declared order. */
export function listCompleter(values: readonly string[]): ArgumentCompleter {
  return (partial) => {
    const prefix = partial.toLowerCase();
    return values.filter((value) => value.toLowerCase().startsWith(prefix));
  };
}

/**
 * A registry entry from `@McpPrompt` options: the arguments from the DTO's JSON Schema (every property must be a
 * string, as MCP prompt arguments are; required unless optional or defaulted), the family's read scope unless
 * the options name some, and completers (declared, else from `@IsIn` lists; a method name is looked up on `provider`).
 */
export function registeredPromptFrom(
  source: string,
  options: McpPromptOptions,
  handler: (args: object, ctx: PromptContext) => unknown,
  family?: string,
  provider?: object,
): RegisteredPrompt {
  const where = `@McpPrompt(${JSON.stringify(options.name)}) on ${source}`;
  const schema = dtoJsonSchema(options.arguments ?? NoArguments);
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const completers: Record<string, ArgumentCompleter> = {};
  const args = Object.entries(properties).map(([name, property]): PromptArgumentDefinition => {
    const values = enumValues(property);
    if (property.type !== 'string' && !(property.type === undefined && values)) {
      throw new Error(`${where}: argument "${name}" must be a string (@IsString() or @IsIn([...strings])): MCP prompt arguments are strings`);
    }
    if (values) completers[name] = listCompleter(values);
    const description = typeof property.description === 'string' ? property.description : undefined;
    return { name, ...(description ? { description } : {}), required: required.has(name) };
  });
  for (const [name, completer] of Object.entries(options.complete ?? {})) {
    if (!(name in properties)) throw new Error(`${where}: complete.${name} names no argument of ${options.arguments?.name ?? 'the prompt'}`);
    if (typeof completer === 'function') {
      completers[name] = completer;
      continue;
    }
    const method = (provider as Record<string, unknown> | undefined)?.[completer];
    if (typeof method !== 'function') throw new Error(`${where}: complete.${name} names no method "${completer}" of the provider`);
    completers[name] = (method as ArgumentCompleter).bind(provider);
  }
  return {
    definition: {
      name: options.name,
      ...(options.title ? { title: options.title } : {}),
      description: options.description,
      arguments: args,
    },
    input: options.arguments,
    scopes: options.scopes ?? defaultToolScopes(family, true),
    source,
    handler,
    completers,
  };
}
