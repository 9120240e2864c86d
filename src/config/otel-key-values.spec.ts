import { OTEL_KEY_VALUES_MAX_LENGTH, OTEL_KEY_VALUES_MAX_PAIRS, parseOtelKeyValues } from './otel-key-values';

describe('parseOtelKeyValues', () => {
  it('reads key=value pairs, trimming spaces and percent-decoding values', () => {
    expect(parseOtelKeyValues('api-key=abc%20def, x-tenant = t1 ,')).toEqual({ 'api-key': 'abc def', 'x-tenant': 't1' });
    expect(parseOtelKeyValues('deployment.environment.name=prod,service.namespace=tools')).toEqual({
      'deployment.environment.name': 'prod',
      'service.namespace': 'tools',
    });
    expect(parseOtelKeyValues('')).toEqual({});
    expect(parseOtelKeyValues('k=a=b')).toEqual({ k: 'a=b' });
  });

  it.each([
    ['a pair without =', 'novalue'],
    ['an empty key', '=v'],
    ['a key with a space', 'my key=v'],
    ['a bad percent escape', 'k=%zz'],
    ['a control character in a value', 'k=a%0Ab'],
    ['too many pairs', Array.from({ length: OTEL_KEY_VALUES_MAX_PAIRS + 1 }, (_, i) => `k${i}=v`).join(',')],
    ['too long a text', `k=${'v'.repeat(OTEL_KEY_VALUES_MAX_LENGTH)}`],
  ])('refuses %s', (_what, text) => {
    expect(parseOtelKeyValues(text)).toBeUndefined();
  });
});
