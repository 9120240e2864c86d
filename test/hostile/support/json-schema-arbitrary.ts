import fc from 'fast-check';

/** The subset of JSON Schema the tools' `inputSchema`s use. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

/** Valid strings stay short (the hostile ones come from mutations); arrays too. */
const MAX_STRING = 40;
const MAX_ITEMS = 4;

/** The schema `$ref` points to, in the root's `$defs` or `definitions`. */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(schema.$ref);
  const target = match ? root[match[1] as '$defs' | 'definitions']?.[match[2]] : undefined;
  if (!target) throw new Error(`unsupported $ref ${schema.$ref}`);
  // Keywords next to the $ref (a description) do not change what is valid here.
  return resolveRef(target, root);
}

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : [...schema.type];

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_STRING, MAX_STRING));
  const fits = (value: string): boolean => value.length >= minLength && value.length <= (schema.maxLength ?? Infinity);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress().filter(fits);
    default:
      break;
  }
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits);
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
  );
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : schema.minimum;
  const high = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : schema.maximum;
  if (integer) {
    const min = Math.ceil(low ?? -(2 ** 31));
    const max = Math.floor(high ?? 2 ** 31 - 1);
    return fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
  }
  return fc.double({ min: low ?? -1e9, max: high ?? 1e9, noNaN: true, noDefaultInfinity: true });
}

/** A small JSON object: free-form `metadata`-like values. */
const freeObject = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null)),
  { maxKeys: 3 },
);

/**
 * An arbitrary of values valid for `schema` (object/properties/required/additionalProperties, string with
 * min/maxLength/pattern/enum/format, integer/number with bounds, boolean, null, array with min/maxItems,
 * `$ref` into `$defs`). Optional properties are sometimes left out; no unknown properties are added.
 */
export function arbitraryFor(schema: JsonSchema, root: JsonSchema = schema): fc.Arbitrary<unknown> {
  const resolved = resolveRef(schema, root);
  if (resolved.enum !== undefined) return fc.constantFrom(...resolved.enum);
  const types = typesOf(resolved);
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryFor({ ...resolved, type }, root)));
  switch (types[0]) {
    case 'string':
      return stringArbitrary(resolved);
    case 'integer':
      return numberArbitrary(resolved, true);
    case 'number':
      return numberArbitrary(resolved, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(resolved.items ? arbitraryFor(resolved.items, root) : fc.jsonValue({ maxDepth: 1 }), {
        minLength: resolved.minItems ?? 0,
        maxLength: Math.max(resolved.minItems ?? 0, Math.min(resolved.maxItems ?? MAX_ITEMS, MAX_ITEMS)),
      });
    case 'object':
      return objectArbitrary(resolved, root);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(schema: JsonSchema, root: JsonSchema): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return freeObject;
  const model = Object.fromEntries(properties.map(([name, property]) => [name, arbitraryFor(property, root)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in model) });
}
