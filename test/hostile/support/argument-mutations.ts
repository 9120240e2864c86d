import fc from 'fast-check';
import { anyHostileValue, edgeString, hugeStringValue, NAN_LIKE_STRINGS, PROTOTYPE_KEYS, prototypePayload, rawNumber, SQL_FRAGMENTS } from './hostile-values';
import { JsonSchema, resolveRef } from './json-schema-arbitrary';
import { objectWith, RawJson } from './raw-json';

type Path = readonly (string | number)[];

/**
 * What to do to the valid arguments; `slot` picks where (modulo the places the value has). Deep nesting is
 * not among them: it has its own property (one known failure would otherwise hide every other finding).
 */
export type Mutation =
  | { readonly kind: 'replace'; readonly slot: number; readonly value: unknown }
  | { readonly kind: 'at-bound'; readonly slot: number; readonly pick: number }
  | { readonly kind: 'delete'; readonly slot: number }
  | { readonly kind: 'add-key'; readonly slot: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'replace-all'; readonly value: unknown };

const replacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyHostileValue },
  { weight: 2, arbitrary: edgeString },
  { weight: 2, arbitrary: fc.constantFrom(...SQL_FRAGMENTS) },
  { weight: 1, arbitrary: fc.constantFrom(...NAN_LIKE_STRINGS) },
  { weight: 1, arbitrary: hugeStringValue },
);

const slot = fc.nat({ max: 63 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), slot, value: replacement }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('at-bound' as const), slot, pick: fc.nat({ max: 15 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), slot }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add-key' as const),
      slot,
      key: fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 10 }), edgeString),
      value: fc.oneof(anyHostileValue, prototypePayload),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replace-all' as const),
      value: fc.oneof(fc.constantFrom<unknown>(null, [], 'text', 0, true, [{}]), prototypePayload, rawNumber, hugeStringValue),
    }),
  },
);

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] => typeof value === 'object' && value !== null && !(value instanceof RawJson);

/** Every place in `value` (the root first), depth-first, three levels at most. */
function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (path.length < 3 && isContainer(value)) {
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
    for (const key of keys) pathsOf((value as Record<string | number, unknown>)[key], [...path, key], out);
  }
  return out;
}

function schemaAt(schema: JsonSchema, root: JsonSchema, path: Path): JsonSchema | undefined {
  let current: JsonSchema | undefined = resolveRef(schema, root);
  for (const key of path) {
    if (!current) return undefined;
    const next: JsonSchema | undefined = typeof key === 'number' ? current.items : current.properties?.[key];
    current = next ? resolveRef(next, root) : undefined;
  }
  return current;
}

/** Values at and just past the bounds the schema states at that place (or generic edges when it states none). */
function boundValues(schema: JsonSchema | undefined): unknown[] {
  const values: unknown[] = [2 ** 53, -(2 ** 53) - 2, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 0.5, -1];
  if (!schema) return values;
  if (schema.minimum !== undefined) values.push(schema.minimum, schema.minimum - 1, schema.minimum - 0.5);
  if (schema.maximum !== undefined) values.push(schema.maximum, schema.maximum + 1, schema.maximum + 0.5);
  if (schema.minLength !== undefined) values.push('x'.repeat(schema.minLength), 'x'.repeat(Math.max(0, schema.minLength - 1)));
  if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength), 'x'.repeat(schema.maxLength + 1), '\u{1F600}'.repeat(schema.maxLength));
  if (schema.maxItems !== undefined) values.push(Array.from({ length: schema.maxItems + 1 }, () => ({})), Array.from({ length: schema.maxItems + 1 }, () => 'x'));
  if (schema.minItems !== undefined) values.push([]);
  return values;
}

const clone = (value: unknown): unknown => (isContainer(value) ? (Array.isArray(value) ? value.map(clone) : objectWith(Object.entries(value).map(([k, v]) => [k, clone(v)]))) : value);

function setAt(root: unknown, path: Path, update: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  if (path.length === 0) return root;
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  update(parent, path[path.length - 1]);
  return root;
}

/** The arguments after `mutations`, applied in order to a copy of `valid`. */
export function applyMutations(valid: unknown, mutations: readonly Mutation[], schema: JsonSchema): unknown {
  let value = clone(valid);
  for (const change of mutations) {
    if (change.kind === 'replace-all') {
      value = clone(change.value);
      continue;
    }
    const paths = pathsOf(value);
    const path = paths[change.slot % paths.length];
    switch (change.kind) {
      case 'replace': {
        const replaced = clone(change.value);
        value = path.length === 0 ? replaced : setAt(value, path, (parent, key) => (parent[key] = replaced));
        break;
      }
      case 'at-bound': {
        const candidates = boundValues(schemaAt(schema, schema, path));
        const picked = candidates[change.pick % candidates.length];
        value = path.length === 0 ? picked : setAt(value, path, (parent, key) => (parent[key] = picked));
        break;
      }
      case 'delete':
        if (path.length > 0) {
          setAt(value, path, (parent, key) => {
            if (Array.isArray(parent)) parent.splice(key as number, 1);
            else delete parent[key];
          });
        }
        break;
      case 'add-key': {
        const target = path.length === 0 ? value : path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], value);
        if (isContainer(target) && !Array.isArray(target)) {
          Object.defineProperty(target, change.key, { value: clone(change.value), enumerable: true, writable: true, configurable: true });
        } else if (path.length === 0) {
          value = objectWith([[change.key, clone(change.value)]]);
        }
        break;
      }
    }
  }
  return value;
}
