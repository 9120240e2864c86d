import { PassThrough } from 'node:stream';

/** In-memory stdin/stdout for McpStdioServer, and every JSON-RPC line the server wrote, parsed, as it arrives. */
export interface StdioPipes {
  readonly stdin: PassThrough;
  readonly stdout: PassThrough;
  readonly lines: Record<string, unknown>[];
}

export function stdioPipes(): StdioPipes {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  return { stdin, stdout, lines };
}
