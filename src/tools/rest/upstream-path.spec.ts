import { InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { encodePathSegment, resolveUpstreamUrl, UpstreamPathError } from './upstream-path';

const BASE = new URL('http://127.0.0.1:8080/api');

describe('encodePathSegment', () => {
  it.each([
    ['../admin', '..%2Fadmin'],
    ['%2e%2e', '%252e%252e'],
    ['%2E%2E%2Fadmin', '%252E%252E%252Fadmin'],
    ['@evil', '%40evil'],
    ['http://evil', 'http%3A%2F%2Fevil'],
    ['//host', '%2F%2Fhost'],
    ['a/b?c#d', 'a%2Fb%3Fc%23d'],
    ['..\\admin', '..%5Cadmin'],
    ["it's (ok)*!", 'it%27s%20%28ok%29%2A%21'],
    ['...', '...'],
    ['é', '%C3%A9'],
    [42, '42'],
  ])('encodes %j as the single segment %s', (value, encoded) => {
    expect(encodePathSegment(value)).toBe(encoded);
  });

  it.each(['../admin', '%2e%2e', '@evil', 'http://evil', '//host', '..%2f..%2fadmin', '\\\\evil\\x', '...'])(
    'keeps %j one segment on the same host and under the base path',
    (value) => {
      const url = resolveUpstreamUrl(BASE, `/customers/${encodePathSegment(value)}`);
      expect(url.origin).toBe('http://127.0.0.1:8080');
      const segments = url.pathname.split('/');
      expect(segments.slice(0, 3)).toEqual(['', 'api', 'customers']);
      expect(segments).toHaveLength(4);
      expect(decodeURIComponent(segments[3])).toBe(value);
    },
  );

  it.each(['', '.', '..', Number.NaN, Number.POSITIVE_INFINITY, '\uD800', 'a\uDC00b'])('refuses %j as invalid, naming the field', (value) => {
    expect(() => encodePathSegment(value, 'customer_id')).toThrow(InvalidArgumentsException);
    try {
      encodePathSegment(value, 'customer_id');
    } catch (error) {
      expect((error as InvalidArgumentsException).issues[0].field).toBe('customer_id');
    }
  });
});

describe('resolveUpstreamUrl', () => {
  it('joins under the base path, with or without a trailing slash on the base', () => {
    expect(resolveUpstreamUrl(BASE, '/customers/1').href).toBe('http://127.0.0.1:8080/api/customers/1');
    expect(resolveUpstreamUrl(new URL('http://127.0.0.1:8080/api/'), '/customers/1').href).toBe(
      'http://127.0.0.1:8080/api/customers/1',
    );
    expect(resolveUpstreamUrl(new URL('http://127.0.0.1:8080'), '/health').href).toBe('http://127.0.0.1:8080/health');
  });

  it.each([
    'customers/1',
    '//evil/x',
    '/../admin',
    '/customers/../../admin',
    '/customers/%2e%2e/admin',
    '/customers/%2E%2E',
    '/customers/.%2e/x',
    '/customers/./1',
    '/customers\\..\\admin',
    '/customers/1?admin=1',
    '/customers/1#x',
    '/customers/ 1',
    '/customers/\n1',
    'http://evil/x',
    '@evil/x',
  ])('refuses %j', (path) => {
    expect(() => resolveUpstreamUrl(BASE, path)).toThrow(UpstreamPathError);
  });
});
