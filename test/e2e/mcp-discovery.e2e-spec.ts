import { Injectable, Module, Scope } from '@nestjs/common';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { McpTool } from '../../src/platform/mcp/mcp-tool.decorator';
import { McpToolProvider } from '../../src/platform/mcp/mcp-tool-provider.decorator';
import { ToolRegistry } from '../../src/platform/mcp/tool.registry';
import { DiagnosticsModule } from '../../src/tools/diagnostics/diagnostics.module';
import { NoInput } from '../fixtures/fixture.dto';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { createMcpTestKit, McpTestKit, McpTestKitOptions } from '../support/mcp-test-kit';

const readOnly = { readOnlyHint: true } as const;

@McpToolProvider()
@Injectable()
class CustomerLookupTools {
  @McpTool({ name: 'lookup', description: 'Looks a customer up', input: NoInput, annotations: readOnly })
  findCustomer(): string {
    return 'customer';
  }
}

@McpToolProvider()
@Injectable()
class OrderLookupTools {
  @McpTool({ name: 'lookup', description: 'Looks an order up', input: NoInput, annotations: readOnly })
  findOrder(): string {
    return 'order';
  }
}

@Module({ providers: [CustomerLookupTools, OrderLookupTools] })
class DuplicateNamesModule {}

@McpToolProvider()
@Injectable({ scope: Scope.REQUEST })
class RequestScopedTools {
  @McpTool({ name: 'per_request', description: 'Built per request', input: NoInput, annotations: readOnly })
  run(): string {
    return 'never';
  }
}

@Module({ providers: [RequestScopedTools] })
class RequestScopedModule {}

@Injectable({ scope: Scope.REQUEST })
class PerRequestThing {}

/** Default-scoped itself, but request-scoped through its dependency. */
@McpToolProvider()
@Injectable()
class ImplicitlyRequestScopedTools {
  constructor(readonly thing: PerRequestThing) {}

  @McpTool({ name: 'per_request_too', description: 'Request scoped by its dependency', input: NoInput, annotations: readOnly })
  run(): string {
    return 'never';
  }
}

@Module({ providers: [PerRequestThing, ImplicitlyRequestScopedTools] })
class ImplicitlyRequestScopedModule {}

@McpToolProvider()
@Injectable({ scope: Scope.TRANSIENT })
class TransientTools {
  @McpTool({ name: 'transient', description: 'One per consumer', input: NoInput, annotations: readOnly })
  run(): string {
    return 'never';
  }
}

@Module({ providers: [TransientTools] })
class TransientModule {}

/**
 * nestjs-pino keeps the logger of the first app a process boots for every `@InjectPinoLogger()` after it,
 * so a second kit's boot lines would land in the first kit's capture: start each kit from a clean slate.
 */
function bootKit(options: McpTestKitOptions): Promise<McpTestKit> {
  __resetOutOfContextForTests();
  return createMcpTestKit(options);
}

/** What the explorer logged at boot (nestjs-pino `msg` of each line). */
const messagesOf = (kit: McpTestKit): string[] => kit.logs.entries().map((entry) => String(entry.msg));

describe('MCP tool discovery at boot', () => {
  describe('refuses a module it cannot serve', () => {
    it('fails the boot when two providers declare the same tool name, naming both Class.methods and the name', async () => {
      await expect(bootKit({ imports: [DuplicateNamesModule] })).rejects.toThrow(
        'Duplicate MCP tool name "lookup": declared by CustomerLookupTools.findCustomer and OrderLookupTools.findOrder',
      );
    });

    it('fails the boot on a request-scoped @McpToolProvider()', async () => {
      await expect(bootKit({ imports: [RequestScopedModule] })).rejects.toThrow(
        'RequestScopedTools is an @McpToolProvider() but is not a singleton: tool providers must be default-scoped',
      );
    });

    it('fails the boot on a provider made request-scoped by one of its dependencies', async () => {
      await expect(bootKit({ imports: [ImplicitlyRequestScopedModule] })).rejects.toThrow(
        'ImplicitlyRequestScopedTools is an @McpToolProvider() but is not a singleton',
      );
    });

    it('fails the boot on a transient @McpToolProvider()', async () => {
      await expect(bootKit({ imports: [TransientModule] })).rejects.toThrow(
        'TransientTools is an @McpToolProvider() but is not a singleton',
      );
    });
  });

  describe('a module with marked and unmarked providers', () => {
    let kit: McpTestKit;

    beforeAll(async () => {
      kit = await bootKit({ imports: [FixtureToolsModule, DiagnosticsModule] });
    });
    afterAll(() => kit.close());

    it('logs one `Class.method -> tool_name` line per registered tool, and the count', () => {
      const messages = messagesOf(kit);
      expect(messages).toEqual(
        expect.arrayContaining([
          'DiagnosticsTools.echo -> echo',
          'FixtureTools.add -> fixture_add',
          'FixtureTools.tags -> fixture_tags',
          'FixtureTools.wait -> fixture_wait',
          'FixtureTools.missing -> fixture_missing',
          'FixtureTools.crash -> fixture_crash',
          'FixtureTools.badOutput -> fixture_bad_output',
          'FixtureTools.admin -> fixture_admin',
        ]),
      );
      expect(messages.filter((message) => / -> [a-z0-9_]+$/.test(message))).toHaveLength(8);
      const summary = kit.logs.entries().find((entry) => entry.msg === 'MCP tools registered');
      expect(summary).toMatchObject({ tools: 8, level: 30 });
    });

    it('does not register an unmarked class even though one of its methods carries @McpTool', async () => {
      expect(kit.app.get(ToolRegistry).get('fixture_unmarked')).toBeUndefined();
      const { tools } = await kit.client.listTools();
      expect(tools.map((tool) => tool.name)).not.toContain('fixture_unmarked');
      expect(kit.logs.text).not.toContain('UnmarkedTools');
      await expect(kit.client.callTool({ name: 'fixture_unmarked', arguments: {} })).rejects.toThrow(
        /Unknown tool: fixture_unmarked/,
      );
    });
  });

  describe('DiagnosticsModule', () => {
    let kit: McpTestKit;

    beforeAll(async () => {
      kit = await bootKit({ imports: [DiagnosticsModule] });
    });
    afterAll(() => kit.close());

    it('exposes exactly ["echo"], read-only, with its schemas', async () => {
      const { tools } = await kit.client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['echo']);
      const [echo] = tools;
      expect(echo.title).toBe('Echo');
      expect(echo.description).toMatch(/connectivity/);
      expect(echo.annotations).toEqual({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      });
      expect(echo.inputSchema).toEqual({
        type: 'object',
        properties: { text: { type: 'string', maxLength: 10_000, description: 'Text to send back unchanged' } },
        required: ['text'],
        additionalProperties: false,
      });
      expect(echo.outputSchema).toMatchObject({
        type: 'object',
        properties: { text: { type: 'string' }, request_id: { type: 'string' } },
        required: ['text', 'request_id'],
      });
      expect(messagesOf(kit)).toContain('DiagnosticsTools.echo -> echo');
    });
  });
});
