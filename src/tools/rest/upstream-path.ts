import { InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { assertEncodable } from './upstream-request-limits';

/**
 * Percent-encodes one value as exactly one path segment of an upstream URL: `/`, `?`, `#`, `%`, `@`, `:`
 * and every other reserved character are escaped, so `../admin`, `%2e%2e`, `@evil`, `http://evil` or
 * `//host` can never add a segment, change the host or leave the base path.
 *
 * `.`, `..` and the empty string cannot be one segment at all: URL parsers collapse `.`/`..` even when
 * percent-encoded (`%2E%2E` *is* `..` to the WHATWG URL parser), and an empty value would address the
 * parent collection. They are refused as invalid arguments (status `invalid`), naming `field`, as is a value
 * holding a lone surrogate (which `encodeURIComponent` cannot encode).
 *
 * @example
 * `/customers/${encodePathSegment(input.customer_id)}`           // '/customers/42'
 * encodePathSegment('../admin')                                  // '..%2Fadmin'
 * encodePathSegment('..', 'customer_id')                         // throws InvalidArgumentsException
 */
export function encodePathSegment(value: string | number, field = '(path)'): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new InvalidArgumentsException([{ field, message: 'must be a finite number' }]);
  }
  const text = String(value);
  if (text === '' || text === '.' || text === '..') {
    throw new InvalidArgumentsException([{ field, message: 'must not be empty, "." or ".." (it must stay one path segment)' }]);
  }
  assertEncodable(text, field);
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A path the upstream client refuses to send: it would leave API_BASE_URL (another origin or path). */
export class UpstreamPathError extends Error {
  constructor(reason: string) {
    super(`Refused upstream path: ${reason}`);
    this.name = 'UpstreamPathError';
  }
}

/** `.` or `..`, literal or percent-encoded in any case: segments URL parsers collapse. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * The URL of `path` under `base`, refusing (UpstreamPathError) anything that would not stay below the
 * base URL: a path not starting with one `/`, backslashes, whitespace or control characters, `?`/`#`
 * (the query goes separately), dot segments, and any result whose origin or path differs from the
 * plain concatenation after the URL parser's normalisation.
 *
 * @example
 * resolveUpstreamUrl(new URL('http://127.0.0.1:8080/api'), '/customers/42').href
 * // 'http://127.0.0.1:8080/api/customers/42'
 */
export function resolveUpstreamUrl(base: URL, path: string): URL {
  if (!path.startsWith('/') || path.startsWith('//')) throw new UpstreamPathError('must start with a single /');
  // eslint-disable-next-line no-control-regex
  if (/[\\\s\u0000-\u001f\u007f?#]/.test(path)) throw new UpstreamPathError('backslash, whitespace, control character, ? or #');
  if (path.split('/').some((segment) => DOT_SEGMENT.test(segment))) throw new UpstreamPathError('dot segment');
  const basePath = base.pathname.replace(/(?<!\/)\/+$/, '');
  const joined = `${basePath}${path}`;
  const url = new URL(joined, base.origin);
  if (url.origin !== base.origin) throw new UpstreamPathError('other origin');
  if (url.pathname !== joined || !url.pathname.startsWith(`${basePath}/`)) throw new UpstreamPathError('leaves the base path');
  return url;
}
