import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { DtoClass } from './mcp-tool-options.interface';

/** A JSON Schema object as MCP and OpenAPI carry it. */
export type JsonSchema = Record<string, unknown>;

const REF_PREFIX = '#/$defs/';

function referencedNames(schema: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) referencedNames(item, into);
  } else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) into.add(value.slice(REF_PREFIX.length));
      else referencedNames(value, into);
    }
  }
  return into;
}

/** Property defaults come from the DTO's initialisers (`limit = 10`): they are documented and not required. */
function withDefaults(dto: DtoClass, schema: JsonSchema): JsonSchema {
  const instance = new dto() as Record<string, unknown>;
  const properties = { ...((schema.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  const defaulted = new Set<string>();
  for (const [name, value] of Object.entries(instance)) {
    if (value === undefined || !(name in properties)) continue;
    properties[name] = { ...properties[name], default: value };
    defaulted.add(name);
  }
  const required = ((schema.required as string[] | undefined) ?? []).filter((name) => !defaulted.has(name));
  const { required: _dropped, ...rest } = schema;
  return { ...rest, properties, ...(required.length > 0 ? { required } : {}) };
}

/**
 * The JSON Schema of a class-validator DTO, self-contained: nested DTOs (declared with `@ValidateNested()`
 * and `@Type(() => Nested)`) go to `$defs`, unknown properties are refused like the validator refuses them.
 */
export function dtoJsonSchema(dto: DtoClass): JsonSchema {
  const options = { refPointerPrefix: REF_PREFIX, classTransformerMetadataStorage: defaultMetadataStorage };
  const root = withDefaults(dto, {
    type: 'object',
    properties: {},
    ...(targetConstructorToSchema(dto, options) as JsonSchema),
    additionalProperties: false,
  });
  const names = referencedNames(root, new Set());
  if (names.size === 0) return root;
  const all = validationMetadatasToSchemas({ ...options, classValidatorMetadataStorage: getMetadataStorage() });
  const defs: Record<string, unknown> = {};
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name in defs || !(name in all)) continue;
    defs[name] = { ...all[name], additionalProperties: false };
    for (const nested of referencedNames(all[name], new Set())) pending.push(nested);
  }
  return { ...root, $defs: defs };
}
