import { registerDecorator, ValidationOptions } from 'class-validator';

/** How large a free-form JSON object may be: its JSON in bytes, its nesting, and its keys counted at every level. */
export interface JsonBounds {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxKeys: number;
}

/** jsonb cannot hold U+0000 (PostgreSQL refuses the `\u0000` escape). */
const NUL_PROBLEM = 'must not contain U+0000 in a key or a string (jsonb cannot hold it)';

/**
 * The first bound `value` breaks, as a message (`has more than 256 keys`), or undefined when it is a JSON
 * object within `bounds`. Walks with an explicit stack and stops at the first excess, so a hostile object
 * (nested thousands deep, or with a million keys) costs no more than the bound before it is refused.
 */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const pending: { value: object; depth: number }[] = [{ value, depth: 1 }];
  let keys = 0;
  while (pending.length > 0) {
    const { value: node, depth } = pending.pop()!;
    if (depth > bounds.maxDepth) return `must nest at most ${bounds.maxDepth} levels deep`;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) {
      keys += children.length;
      if (keys > bounds.maxKeys) return `must have at most ${bounds.maxKeys} keys in all`;
    } else if (node.length > bounds.maxKeys) return `must have at most ${bounds.maxKeys} array items in all`;
    if (!Array.isArray(node) && Object.keys(node).some((key) => key.includes('\0'))) return NUL_PROBLEM;
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child as object, depth: depth + 1 });
      else if (typeof child === 'string' && child.includes('\0')) return NUL_PROBLEM;
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > bounds.maxBytes) return `must be at most ${bounds.maxBytes} bytes as JSON`;
  return undefined;
}

/**
 * A free-form JSON object within `bounds` (bytes, depth, keys); the message names the bound broken.
 *
 * @example
 * @IsBoundedJsonObject({ maxBytes: 16384, maxDepth: 8, maxKeys: 256 })
 * metadata?: Record<string, unknown>;
 */
export function IsBoundedJsonObject(bounds: JsonBounds, options?: ValidationOptions): PropertyDecorator {
  if (!(bounds.maxBytes > 0 && bounds.maxDepth > 0 && bounds.maxKeys > 0)) throw new Error('IsBoundedJsonObject needs positive bounds');
  return (target, propertyName) =>
    registerDecorator({
      name: 'isBoundedJsonObject',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => jsonBoundsProblem(value, bounds) === undefined,
        defaultMessage: (args) => `${args?.property ?? 'value'} ${jsonBoundsProblem(args?.value, bounds) ?? 'is out of bounds'}`,
      },
    });
}
