import { ListeningServer } from '../../support/server-process';
import { clip } from './answer-checks';
import { callTool, jsonMessages } from './hostile-http';

/** How long another caller may wait for `echo` after a batch of hostile calls. */
export const ECHO_BOUND_MS = 2000;

export const isAlive = (server: ListeningServer): boolean => server.child.exitCode === null && server.child.signalCode === null;

/**
 * Proves the server still serves another caller: the process is alive and `echo` over `/mcp` answers within
 * ECHO_BOUND_MS with the text it was given. Throws, naming what went wrong, otherwise.
 */
export async function assertEchoAnswers(server: ListeningServer, key: string): Promise<number> {
  if (!isAlive(server)) {
    throw new Error(`the server process is gone (exit ${server.child.exitCode}, signal ${server.child.signalCode}); its last stderr: ${clip(server.stderr().slice(-2000), 2000)}`);
  }
  const text = `still here ${Date.now()}`;
  const answer = await callTool(server.url, key, 'mcp-2025', 'echo', JSON.stringify({ text }), ECHO_BOUND_MS, 424242);
  if (answer.error) throw new Error(`echo got no answer within ${ECHO_BOUND_MS} ms: ${answer.error}`);
  const [message] = jsonMessages(answer) as { result?: { structuredContent?: { text?: string } } }[];
  if (answer.status !== 200 || message?.result?.structuredContent?.text !== text) {
    throw new Error(`echo answered HTTP ${answer.status}: ${clip(answer.text)}`);
  }
  return answer.ms;
}
