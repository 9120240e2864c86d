/** What the first lines after `npm start` tell a newcomer. */
export interface BootBannerFacts {
  /** The address the server listens on (`http://host:port`). */
  readonly url: string;
  /** The key generated for this run, when no API_KEY_PRIMARY was set. */
  readonly generatedKey?: string;
}

/** A wildcard bind address is not one to send requests to: show the loopback address instead. */
function reachable(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.origin;
}

/**
 * The short block main.ts writes on stderr once the server listens (stdout carries the log lines):
 * where it serves, the generated key if any, a curl that lists the tools, and where the client configs are.
 *
 * @example
 * process.stderr.write(bootBanner({ url: 'http://127.0.0.1:8000', generatedKey }));
 */
export function bootBanner(facts: BootBannerFacts): string {
  const url = reachable(facts.url);
  const key = facts.generatedKey ?? '$API_KEY_PRIMARY';
  const lines = [
    '',
    `mcp-tool-server is ready on ${url}`,
    ...(facts.generatedKey
      ? ['Development API key (generated for this run; set API_KEY_PRIMARY to keep one):', `  ${facts.generatedKey}`]
      : []),
    'List the tools:',
    `  curl -H "Authorization: Bearer ${key}" ${url}/v1/tools`,
    `MCP endpoint ${url}/mcp; client configs to copy (Claude Desktop, Claude Code, Inspector): docs/clients.md`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
