import { McpStdioServer } from '../../src/platform/mcp/mcp-stdio.server';
import { DiagnosticsModule } from '../../src/tools/diagnostics/diagnostics.module';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { stdioPipes } from '../support/stdio-pipes';

/** The stdio door in process (the spawned-binary test is stdio.e2e-spec.ts): streams in, JSON-RPC out. */
describe('McpStdioServer on in-process streams', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [DiagnosticsModule] });
  });
  afterAll(() => kit.close());

  it('answers line-delimited JSON-RPC and ends when stdin closes', async () => {
    const { stdin, stdout, lines } = stdioPipes();
    const served = kit.app.get(McpStdioServer).start({ stdin, stdout });
    const send = (message: object): boolean => stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'over stdio' } } });
    for (let i = 0; i < 100 && lines.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines[0]).toMatchObject({ id: 1, result: { protocolVersion: '2025-11-25', serverInfo: { name: 'mcp-tool-server' } } });
    expect(lines[1]).toMatchObject({ id: 2, result: { structuredContent: { text: 'over stdio' } } });
    const audit = kit.logs.entries().find((entry) => entry.audit === true && entry.door === 'stdio');
    expect(audit).toMatchObject({ key_id: 'local', outcome: 'ok' });
    stdin.end();
    await expect(served).resolves.toBeUndefined();
  });
});
