import { InvalidArgumentsException } from '../../platform/errors/tool.exception';

/**
 * Longest path-and-query a call may build from its arguments, in characters once percent-encoded. RFC 9110
 * §4.1 asks servers to take at least 8000 octets of request target; past that an upstream may answer 414 or
 * drop the connection, so the caller hears `invalid` with the limit instead.
 */
export const MAX_REQUEST_TARGET_LENGTH = 8000;

/** Most characters of header names and values a call may send from its arguments (common servers stop near 8 KiB). */
export const MAX_ARGUMENT_HEADER_LENGTH = 8000;

/** A UTF-16 half without its other half: `encodeURIComponent` throws URIError on it, and no encoding can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What Node accepts in a header value that also survives every upstream: visible ASCII, space and tab (RFC 9110 §5.5). */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Refuses (as `invalid`, naming `field`) a text that holds a lone surrogate and so cannot be percent-encoded. */
export function assertEncodable(text: string, field: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new InvalidArgumentsException([{ field, message: 'must be well-formed Unicode (it holds a lone surrogate)' }]);
  }
}

/** Refuses (as `invalid`, naming `field`) a header value with line breaks, control or non-ASCII characters. */
export function assertHeaderValue(text: string, field: string): void {
  if (!HEADER_VALUE.test(text)) {
    throw new InvalidArgumentsException([{ field, message: 'must hold only printable ASCII characters (a header value)' }]);
  }
}

/** Characters `name=value&` adds to a query string (at most: axios leaves a few characters unescaped). */
export function queryLength(name: string, value: string | number | boolean | readonly (string | number | boolean)[]): number {
  const values = Array.isArray(value) ? value : [value];
  const key = encodeURIComponent(name).length;
  return values.reduce<number>((sum, item) => sum + key + 2 + encodeURIComponent(String(item)).length, 0);
}

/**
 * Refuses (as `invalid`) a total over `limit`, naming the argument that contributes most, the total and the limit.
 *
 * @example
 * assertWithin(new Map([['q', 9000]]), 120, MAX_REQUEST_TARGET_LENGTH, 'the upstream URL'); // throws: q makes ... 9120 > 8000
 */
export function assertWithin(contributions: ReadonlyMap<string, number>, fixed: number, limit: number, what: string): void {
  let total = fixed;
  let largest: [string, number] | undefined;
  for (const [field, length] of contributions) {
    total += length;
    if (!largest || length > largest[1]) largest = [field, length];
  }
  if (total > limit && largest) {
    throw new InvalidArgumentsException([{ field: largest[0], message: `makes ${what} ${total} characters long; the limit is ${limit}` }]);
  }
}
