import { ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { DtoClass } from './mcp-tool-options.interface';

/** A JSON Schema object as MCP and OpenAPI carry it. */
export type JsonSchema = Record<string, unknown>;

const REF_PREFIX = '#/$defs/';
/**
 * A custom constraint (`registerDecorator`) says nothing the schema can carry. The library's default turns it
 * into the property's design type, which for a free-form `Record<string, unknown>` is a `$ref` to a `$defs`
 * entry named `Object` that no document holds; primitive types keep their `type`.
 */
function customConstraintSchema(meta: ValidationMetadata): JsonSchema {
  const type: unknown = Reflect.getMetadata('design:type', (meta.target as DtoClass).prototype as object, meta.propertyName);
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  return {};
}

const OPTIONS = {
  refPointerPrefix: REF_PREFIX,
  classTransformerMetadataStorage: defaultMetadataStorage,
  additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customConstraintSchema },
};

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
  return { ...rest, properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/** Rewrites `$ref`s from class names to the `$defs` keys chosen for this document. */
function renameRefs(schema: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => renameRefs(item, names));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)
        ? [key, `${REF_PREFIX}${names.get(value.slice(REF_PREFIX.length)) ?? value.slice(REF_PREFIX.length)}`]
        : [key, renameRefs(value, names)],
    ),
  );
}

/**
 * The JSON Schema of a class-validator DTO, self-contained: nested DTOs (declared with `@ValidateNested()`
 * and `@Type(() => Nested)`) are resolved by class, not by name, into `$defs` (two different classes that
 * share a name get distinct keys); defaults come from initialisers at every level; unknown properties are
 * refused, as the validator refuses them.
 */
export function dtoJsonSchema(dto: DtoClass): JsonSchema {
  const keys = new Map<DtoClass, string>();
  const schemas = new Map<DtoClass, JsonSchema>();
  const pending: DtoClass[] = [dto];
  while (pending.length > 0) {
    const current = pending.shift() as DtoClass;
    if (schemas.has(current)) continue;
    const schema = withDefaults(current, { type: 'object', properties: {}, ...(targetConstructorToSchema(current, OPTIONS) as JsonSchema) });
    const properties = { ...(schema.properties as Record<string, unknown>) };
    for (const property of Object.keys(properties)) {
      const nested = defaultMetadataStorage.findTypeMetadata(current, property)?.typeFunction() as DtoClass | undefined;
      if (!nested || typeof nested !== 'function' || [String, Number, Boolean, Date, Object].includes(nested as never)) continue;
      if (!keys.has(nested)) {
        const taken = new Set(keys.values());
        let key = nested.name;
        for (let n = 2; taken.has(key); n += 1) key = `${nested.name}_${n}`;
        keys.set(nested, key);
        pending.push(nested);
      }
      // Refs are by class name, so rename them property by property: two classes may share a name.
      properties[property] = renameRefs(properties[property], new Map([[nested.name, keys.get(nested) as string]]));
    }
    schemas.set(current, { ...schema, properties });
  }
  const root = schemas.get(dto) as JsonSchema;
  if (keys.size === 0) return root;
  const defs = Object.fromEntries([...keys].map(([nested, key]) => [key, schemas.get(nested)]));
  return { ...root, $defs: defs };
}
