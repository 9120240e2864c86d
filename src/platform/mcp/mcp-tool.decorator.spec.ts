import { MCP_TOOL } from './mcp.constants';
import { McpTool } from './mcp-tool.decorator';
import { McpToolOptions } from './mcp-tool-options.interface';

class SomeInput {}
class SomeOutput {}

const valid: McpToolOptions = {
  name: 'get_customer',
  description: 'Fetch one customer by id',
  input: SomeInput,
  output: SomeOutput,
  annotations: { readOnlyHint: true },
};

/** Applies `@McpTool(options)` to a method of a fresh class, the way a tools file does at load time. */
function declareToolClass(options: unknown): new () => { run(): string } {
  class Tools {
    @McpTool(options as McpToolOptions)
    run(): string {
      return 'ran';
    }
  }
  return Tools;
}

const withOverrides = (overrides: Record<string, unknown>): unknown => ({ ...valid, ...overrides });

describe('@McpTool()', () => {
  it('stores the options on the method as MCP_TOOL metadata', () => {
    const Tools = declareToolClass(valid);
    expect(Reflect.getMetadata(MCP_TOOL, Tools.prototype.run)).toBe(valid);
    expect(new Tools().run()).toBe('ran');
  });

  it('accepts the optional fields when they are well formed', () => {
    const options = withOverrides({ title: 'Get customer', timeoutMs: 1500, scopes: ['crm:read'], output: undefined });
    expect(() => declareToolClass(options)).not.toThrow();
  });

  describe('name', () => {
    it.each([
      ['empty', ''],
      ['upper case', 'Upper'],
      ['starting with a digit', '1abc'],
      ['with a dash', 'has-dash'],
      ['with a space', 'has space'],
      ['with a dot', 'family.tool'],
      ['65 characters', `a${'b'.repeat(64)}`],
    ])('refuses a name %s (%j), naming it and the rule', (_case, name) => {
      expect(() => declareToolClass(withOverrides({ name }))).toThrow(
        `@McpTool(${JSON.stringify(name)}): name must match /^[a-z][a-z0-9_]{0,63}$/ (snake_case, at most 64 characters)`,
      );
    });

    it.each([
      ['missing', undefined],
      ['not a string', 42],
    ])('refuses a name that is %s', (_case, name) => {
      expect(() => declareToolClass(withOverrides({ name }))).toThrow(/name must match/);
    });

    it('refuses options that are not given at all', () => {
      expect(() => declareToolClass(undefined)).toThrow('@McpTool(undefined): name must match');
    });

    it.each([
      ['64 characters', `a${'b'.repeat(63)}`],
      ['one letter', 'a'],
      ['snake_case with digits', 'sql_query_v2'],
    ])('accepts a name of %s', (_case, name) => {
      expect(name.length).toBeLessThanOrEqual(64);
      expect(() => declareToolClass(withOverrides({ name }))).not.toThrow();
    });
  });

  describe('description', () => {
    it.each([
      ['empty', ''],
      ['blank', '  \n\t '],
      ['missing', undefined],
      ['not a string', { text: 'x' }],
    ])('refuses a description that is %s', (_case, description) => {
      expect(() => declareToolClass(withOverrides({ description }))).toThrow(
        '@McpTool("get_customer"): description must not be empty',
      );
    });
  });

  describe('input', () => {
    it.each([
      ['missing', undefined],
      ['null', null],
      ['a plain object', { type: 'object' }],
      ['a class name', 'SomeInput'],
    ])('refuses an input that is %s', (_case, input) => {
      expect(() => declareToolClass(withOverrides({ input }))).toThrow(
        '@McpTool("get_customer"): input must be a DTO class (use an empty class for a tool without arguments)',
      );
    });
  });

  describe('output', () => {
    it.each([
      ['a plain object', { type: 'object' }],
      ['a class name', 'SomeOutput'],
      ['null', null],
      ['an instance', new SomeOutput()],
    ])('refuses an output that is %s', (_case, output) => {
      expect(() => declareToolClass(withOverrides({ output }))).toThrow(
        '@McpTool("get_customer"): output must be a DTO class when given',
      );
    });
  });

  describe('annotations', () => {
    it.each([
      ['annotations missing', undefined],
      ['readOnlyHint missing', {}],
      ['readOnlyHint missing (other hints given)', { destructiveHint: false, idempotentHint: true }],
      ['readOnlyHint not a boolean', { readOnlyHint: 'yes' }],
    ])('refuses %s', (_case, annotations) => {
      expect(() => declareToolClass(withOverrides({ annotations }))).toThrow(
        '@McpTool("get_customer"): annotations.readOnlyHint must be declared (true or false)',
      );
    });

    it('accepts readOnlyHint: false', () => {
      expect(() => declareToolClass(withOverrides({ annotations: { readOnlyHint: false } }))).not.toThrow();
    });
  });

  describe('timeoutMs', () => {
    it.each([
      ['zero', 0],
      ['negative', -1],
      ['fractional', 1.5],
      ['NaN', Number.NaN],
      ['infinite', Number.POSITIVE_INFINITY],
      ['a string', '1000'],
      ['null', null],
      ['beyond one hour (setTimeout would fire at once)', 3_600_001],
    ])('refuses a timeoutMs that is %s', (_case, timeoutMs) => {
      expect(() => declareToolClass(withOverrides({ timeoutMs }))).toThrow(
        '@McpTool("get_customer"): timeoutMs must be a positive integer',
      );
    });
  });

  it.each([
    ['a string', 'crm:read'],
    ['an empty scope', ['']],
    ['a non-string scope', [42]],
  ])('refuses scopes that are %s', (_case, scopes) => {
    expect(() => declareToolClass(withOverrides({ scopes }))).toThrow('scopes must be an array of non-empty strings');
  });

  it('refuses a read-only tool declared destructive', () => {
    expect(() => declareToolClass(withOverrides({ annotations: { readOnlyHint: true, destructiveHint: true } }))).toThrow(
      'a read-only tool cannot be destructive',
    );
  });

  it('checks at once, before the method is decorated (a bad tool fails when its file is loaded)', () => {
    const bad = withOverrides({ name: 'Bad-Name' }) as McpToolOptions;
    expect(() => McpTool(bad)).toThrow(/name must match/);
  });
});
