import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/** A `tools/call` result as the (2025-era) SDK client returns it. */
export type CallResult = Awaited<ReturnType<Client['callTool']>>;

interface ResultShape {
  readonly isError?: boolean;
  readonly content?: unknown;
  readonly structuredContent?: unknown;
}

/** The `{error, status, request_id, issues?}` body every error result carries as its JSON text. */
export interface ToolErrorBody {
  readonly error: string;
  readonly status: string;
  readonly request_id: string;
  readonly issues?: { field: string; message: string }[];
}

const firstText = (result: ResultShape): string => (result.content as { text?: string }[] | undefined)?.[0]?.text ?? '';

/** The structured result of a successful call; fails the test with the error text otherwise. */
export function resultOf<T = Record<string, unknown>>(value: unknown): T {
  const result = value as ResultShape;
  if (result.isError) throw new Error(`tool failed: ${firstText(result)}`);
  return result.structuredContent as T;
}

/** The error body of a failed call (its JSON text: also present when the tool has an outputSchema). */
export function errorOf(value: unknown): ToolErrorBody {
  const result = value as ResultShape;
  expect(result.isError).toBe(true);
  return JSON.parse(firstText(result)) as ToolErrorBody;
}
