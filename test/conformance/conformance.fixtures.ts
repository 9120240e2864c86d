import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ToolFailedException } from '../../src/platform/errors/tool.exception';
import { McpPrompt } from '../../src/platform/mcp/mcp-prompt.decorator';
import { PromptOutput } from '../../src/platform/mcp/mcp-prompt-options.interface';
import { McpTool } from '../../src/platform/mcp/mcp-tool.decorator';
import { McpToolProvider } from '../../src/platform/mcp/mcp-tool-provider.decorator';
import { McpModule } from '../../src/platform/mcp/mcp.module';
import { ResourceRegistry } from '../../src/platform/mcp/resource.registry';
import { ToolContext } from '../../src/platform/mcp/tool-context.interface';
import { JsonSchema2020Input, NoArguments, ResourceUriArgument, TwoArguments } from './conformance.dto';

/** A 1×1 red PNG. */
export const RED_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const READ_ONLY = { readOnlyHint: true } as const;

/**
 * The fixture tools and prompts the official conformance suite's server scenarios call by name. Test-only:
 * imported by test/conformance specs, never by the application module.
 */
@McpToolProvider()
@Injectable()
export class ConformanceFixtures {
  @McpTool({ name: 'test_simple_text', description: 'Answers a simple text', input: NoArguments, annotations: READ_ONLY })
  simpleText(): string {
    return 'This is a simple text response for testing.';
  }

  @McpTool({ name: 'test_error_handling', description: 'Always fails', input: NoArguments, annotations: READ_ONLY })
  errorHandling(): never {
    throw new ToolFailedException('This tool intentionally returns an error for testing');
  }

  @McpTool({ name: 'test_tool_with_progress', description: 'Reports progress three times', input: NoArguments, annotations: READ_ONLY })
  async withProgress(_input: NoArguments, ctx: ToolContext): Promise<string> {
    for (const progress of [0, 50, 100]) await ctx.reportProgress(progress, 100, `at ${progress}%`);
    return 'Progress complete';
  }

  @McpTool({ name: 'json_schema_2020_12_tool', description: 'Declares a JSON Schema 2020-12 input', input: JsonSchema2020Input, annotations: READ_ONLY })
  jsonSchema(input: JsonSchema2020Input): string {
    return JSON.stringify(input);
  }

  @McpPrompt({ name: 'test_simple_prompt', description: 'A simple prompt without arguments' })
  simplePrompt(): PromptOutput {
    return { messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }] };
  }

  @McpPrompt({
    name: 'test_prompt_with_arguments',
    description: 'A prompt with two required arguments',
    arguments: TwoArguments,
    complete: { arg1: (partial) => ['paris', 'park', 'party'].filter((value) => value.startsWith(partial)) },
  })
  withArguments(args: TwoArguments): PromptOutput {
    return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'` } }] };
  }

  @McpPrompt({ name: 'test_prompt_with_embedded_resource', description: 'A prompt embedding a resource', arguments: ResourceUriArgument })
  withEmbeddedResource(args: ResourceUriArgument): PromptOutput {
    return {
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: args.resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    };
  }

  @McpPrompt({ name: 'test_prompt_with_image', description: 'A prompt with an image' })
  withImage(): PromptOutput {
    return {
      messages: [
        { role: 'user', content: { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' } },
        { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
      ],
    };
  }
}

/** The fixture resources: `test://static-text` (listed) and the template `test://template/{id}/data`. */
@Injectable()
export class ConformanceResources implements OnModuleInit {
  constructor(private readonly resources: ResourceRegistry) {}

  onModuleInit(): void {
    const text = { uri: 'test://static-text', name: 'static_text', mimeType: 'text/plain' };
    this.resources.register({
      uriTemplate: text.uri,
      name: text.name,
      description: 'A static text resource',
      mimeType: text.mimeType,
      list: () => Promise.resolve({ resources: [text] }),
      read: () => Promise.resolve({ text: 'This is the content of the static text resource.', mimeType: 'text/plain' }),
    });
    this.resources.register({
      uriTemplate: 'test://template/{id}/data',
      name: 'template_data',
      description: 'Data for an id',
      mimeType: 'application/json',
      read: (_uri, match) => Promise.resolve({ text: JSON.stringify({ id: match.id, templateTest: true, data: `Data for ID: ${match.id}` }), mimeType: 'application/json' }),
    });
  }
}

@Module({ imports: [McpModule], providers: [ConformanceFixtures, ConformanceResources] })
export class ConformanceFixturesModule {}
