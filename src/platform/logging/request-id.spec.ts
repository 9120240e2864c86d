import { requestIdFrom } from './request-id';

describe('requestIdFrom', () => {
  it.each(['abc', 'A.b_c:d-1', 'x'.repeat(128)])('keeps the well-formed id %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([['empty', ''], ['too long', 'x'.repeat(129)], ['a space', 'a b'], ['a quote', 'a"b'], ['a list', ['a', 'b']], ['nothing', undefined]])(
    'replaces %s with a UUID',
    (_name, header) => {
      expect(requestIdFrom(header as string | string[] | undefined)).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});
