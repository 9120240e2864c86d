import { IsInt, IsOptional, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { MCP_PROMPT } from './mcp.constants';
import { McpPrompt } from './mcp-prompt.decorator';
import { McpPromptOptions } from './mcp-prompt-options.interface';
import { registeredPromptFrom } from './registered-prompt';

class TopicArgs {
  @JSONSchema({ description: 'The topic' })
  @IsString()
  topic!: string;

  @IsOptional()
  @IsString()
  angle?: string;
}

class CountArgs {
  @IsInt()
  count!: number;
}

const valid: McpPromptOptions = { name: 'explain_topic', description: 'Explains a topic', arguments: TopicArgs };

function declarePromptClass(options: unknown): new () => { run(): string } {
  class Prompts {
    @McpPrompt(options as McpPromptOptions)
    run(): string {
      return 'ran';
    }
  }
  return Prompts;
}

describe('@McpPrompt()', () => {
  it('stores the options on the method as MCP_PROMPT metadata', () => {
    const Prompts = declarePromptClass(valid);
    expect(Reflect.getMetadata(MCP_PROMPT, Prompts.prototype.run)).toBe(valid);
  });

  it.each([
    ['a bad name', { name: 'Bad-Name' }, /name must match/],
    ['an empty description', { description: ' ' }, /description must not be empty/],
    ['arguments that are not a class', { arguments: {} }, /arguments must be a DTO class/],
    ['empty scopes', { scopes: [''] }, /scopes must be an array of non-empty strings/],
    ['a completer that is neither a function nor a method name', { complete: { topic: 42 } }, /complete.topic must be a function or a method name/],
  ])('refuses %s when applied, naming the prompt', (_case, overrides, message) => {
    expect(() => declarePromptClass({ ...valid, ...overrides })).toThrow(message);
    expect(() => declarePromptClass({ ...valid, ...overrides })).toThrow('@McpPrompt("');
  });
});

describe('registeredPromptFrom()', () => {
  const handler = (): unknown => ({ messages: [] });

  it('turns the DTO properties into arguments: description, required unless optional', () => {
    const prompt = registeredPromptFrom('Prompts.run', valid, handler, 'docs');
    expect(prompt.definition).toEqual({
      name: 'explain_topic',
      description: 'Explains a topic',
      arguments: [
        { name: 'topic', description: 'The topic', required: true },
        { name: 'angle', required: false },
      ],
    });
    expect(prompt.scopes).toEqual(['docs:read']);
  });

  it('has no arguments without a DTO, and no scope without a family', () => {
    const prompt = registeredPromptFrom('Prompts.run', { name: 'hello', description: 'Hi' }, handler);
    expect(prompt.definition.arguments).toEqual([]);
    expect(prompt.scopes).toEqual([]);
  });

  it('fails the boot for an argument that is not a string, or a completer of no argument', () => {
    expect(() => registeredPromptFrom('Prompts.run', { ...valid, arguments: CountArgs }, handler)).toThrow(
      '@McpPrompt("explain_topic") on Prompts.run: argument "count" must be a string',
    );
    expect(() => registeredPromptFrom('Prompts.run', { ...valid, complete: { subject: () => [] } }, handler)).toThrow('complete.subject names no argument of TopicArgs');
    expect(() => registeredPromptFrom('Prompts.run', { ...valid, complete: { topic: 'suggest' } }, handler, undefined, {})).toThrow('complete.topic names no method "suggest" of the provider');
  });

  it('binds a completer named by method to the provider', async () => {
    const provider = { prefix: 'db_', suggest(this: { prefix: string }, partial: string): string[] { return [`${this.prefix}${partial}`]; } };
    const prompt = registeredPromptFrom('Prompts.run', { ...valid, complete: { topic: 'suggest' } }, handler, undefined, provider);
    await expect(Promise.resolve(prompt.completers.topic('x', { requestId: 'r', principal: { subject: 's', clientId: 'c', scopes: [], via: 'api_key' }, signal: new AbortController().signal, arguments: {} }))).resolves.toEqual(['db_x']);
  });
});
