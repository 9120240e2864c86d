import { COMPLETE_PARAMS, PROMPTS_GET_PARAMS, PROMPTS_LIST_PARAMS } from './prompt-request-params';

type Validate = (value: unknown) => { issues?: readonly { message: string; path?: readonly unknown[] }[]; value?: unknown };
const check = (schema: { '~standard': { validate: unknown } }, value: unknown) => (schema['~standard'].validate as Validate)(value);

describe('prompt and completion params', () => {
  it('accepts well-formed params as they are', () => {
    const params = { name: 'explore_table', arguments: { table: 'orders' } };
    expect(check(PROMPTS_GET_PARAMS, params)).toEqual({ value: params });
    expect(check(PROMPTS_LIST_PARAMS, undefined)).toEqual({ value: {} });
    const complete = { ref: { type: 'ref/resource', uri: 'rag://documents/{id}' }, argument: { name: 'id', value: 'ab' }, context: { arguments: { a: 'b' } } };
    expect(check(COMPLETE_PARAMS, complete)).toEqual({ value: complete });
  });

  it.each([
    [PROMPTS_GET_PARAMS, [], undefined, 'params must be an object'],
    [PROMPTS_GET_PARAMS, { name: 1 }, ['name'], 'must be a string'],
    [PROMPTS_GET_PARAMS, { name: 'p', arguments: { a: 'x'.repeat(8193) } }, ['arguments', 'a'], 'must be at most 8192 characters'],
    [PROMPTS_GET_PARAMS, { name: 'p', arguments: { ['k'.repeat(129)]: 'v' } }, ['arguments'], 'has a name longer than 128 characters'],
    [PROMPTS_LIST_PARAMS, { cursor: 5 }, ['cursor'], 'must be a string'],
    [COMPLETE_PARAMS, { ref: 'x', argument: { name: 'a', value: '' } }, ['ref'], 'must be an object'],
    [COMPLETE_PARAMS, { ref: { type: 'ref/prompt' }, argument: { name: 'a', value: '' } }, ['ref', 'name'], 'is required'],
    [COMPLETE_PARAMS, { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: 'v'.repeat(257) } }, ['argument', 'value'], 'must be at most 256 characters'],
    [COMPLETE_PARAMS, { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: '' }, context: [] }, ['context'], 'must be an object'],
  ])('refuses %#: naming the path and the problem', (schema, value, path, message) => {
    expect(check(schema, value)).toEqual({ issues: [path ? { message, path } : { message }] });
  });
});
