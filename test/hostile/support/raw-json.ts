import fc from 'fast-check';

/** JSON text spliced verbatim into a body: what `JSON.stringify` cannot write (10,000 levels, `1e400`, `-0`). */
export class RawJson {
  constructor(
    readonly text: string,
    /** How a failure report names it (the text itself may be megabytes long). */
    readonly label: string,
  ) {}

  [fc.toStringMethod](): string {
    return `RawJson(${this.label})`;
  }
}

/**
 * JSON text of `value`, with RawJson parts spliced verbatim. Walks with an explicit stack of pending
 * pieces, so a deep value never overflows the test's own stack; `__proto__` own keys are written as keys.
 */
export function toJsonText(value: unknown): string {
  const out: string[] = [];
  const pending: unknown[] = [value];
  const LITERAL = Symbol('literal');
  type Literal = { [LITERAL]: string };
  const literal = (text: string): Literal => ({ [LITERAL]: text });
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'object' && next !== null && LITERAL in next) {
      out.push((next as Literal)[LITERAL]);
    } else if (next instanceof RawJson) {
      out.push(next.text);
    } else if (Array.isArray(next)) {
      const parts: unknown[] = [literal('[')];
      next.forEach((item, index) => parts.push(...(index > 0 ? [literal(',')] : []), item === undefined ? null : item));
      parts.push(literal(']'));
      pending.push(...parts.reverse());
    } else if (typeof next === 'object' && next !== null) {
      const parts: unknown[] = [literal('{')];
      Object.entries(next)
        .filter(([, item]) => item !== undefined)
        .forEach(([key, item], index) => parts.push(literal(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`), item));
      parts.push(literal('}'));
      pending.push(...parts.reverse());
    } else {
      out.push(JSON.stringify(next) ?? 'null');
    }
  }
  return out.join('');
}

/** An object with an own, enumerable key (also `__proto__`, which an object literal would turn into a prototype). */
export function objectWith(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}
