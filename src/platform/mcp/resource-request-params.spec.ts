import { MAX_RESOURCE_PARAM_LENGTH, RESOURCES_LIST_PARAMS, RESOURCES_READ_PARAMS } from './resource-request-params';

const check = (schema: typeof RESOURCES_READ_PARAMS | typeof RESOURCES_LIST_PARAMS, value: unknown): unknown =>
  schema['~standard'].validate(value);

describe('resources/* params', () => {
  it('accepts what clients send, _meta included', () => {
    expect(check(RESOURCES_READ_PARAMS, { uri: 'rag://documents/1', _meta: { progressToken: 1 } })).toEqual({
      value: { uri: 'rag://documents/1', _meta: { progressToken: 1 } },
    });
    expect(check(RESOURCES_LIST_PARAMS, undefined)).toEqual({ value: {} });
    expect(check(RESOURCES_LIST_PARAMS, { cursor: 'abc' })).toEqual({ value: { cursor: 'abc' } });
  });

  it('names the field of a wrong shape (the SDK answered -32603 with zod text for these)', () => {
    expect(check(RESOURCES_READ_PARAMS, undefined)).toEqual({ issues: [{ message: 'is required', path: ['uri'] }] });
    expect(check(RESOURCES_READ_PARAMS, { uri: 1 })).toEqual({ issues: [{ message: 'must be a string', path: ['uri'] }] });
    expect(check(RESOURCES_LIST_PARAMS, { cursor: 1 })).toEqual({ issues: [{ message: 'must be a string', path: ['cursor'] }] });
    expect(check(RESOURCES_LIST_PARAMS, [1])).toEqual({ issues: [{ message: 'params must be an object' }] });
    expect(check(RESOURCES_READ_PARAMS, { uri: 'x'.repeat(MAX_RESOURCE_PARAM_LENGTH + 1) })).toEqual({
      issues: [{ message: `must be at most ${MAX_RESOURCE_PARAM_LENGTH} characters`, path: ['uri'] }],
    });
  });
});
