/**
 * Params checks of MCP requests as Standard Schema objects (the interface the SDK accepts beside its own zod
 * schemas): a wrong params shape is -32602 (invalid params) naming the field, the answer `tools/call` gives,
 * and every string a caller sends is bounded before any handler sees it.
 */
import type { StandardSchemaV1 } from '@modelcontextprotocol/server';

export type ParamsSchema<T> = StandardSchemaV1<unknown, T>;
export type Params = Record<string, unknown> & { _meta?: Record<string, unknown> };
export type Issue = { message: string; path: (string | number)[] };

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` as a string of at most `max` characters (absent: an issue only when `required`). */
export function stringIssue(value: unknown, path: (string | number)[], max: number, required = true): Issue | undefined {
  if (value === undefined) return required ? { message: 'is required', path } : undefined;
  if (typeof value !== 'string') return { message: 'must be a string', path };
  if (value.length > max) return { message: `must be at most ${max} characters`, path };
  return undefined;
}

/** A params schema: an object (absent params count as `{}`) that `check` finds no issue with. */
export function paramsSchema<T extends Params>(check: (params: Params) => Issue | undefined): ParamsSchema<T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-tool-server',
      validate: (value) => {
        const params = value ?? {};
        if (!isObject(params)) return { issues: [{ message: 'params must be an object' }] };
        const issue = check(params);
        return issue ? { issues: [issue] } : { value: params as T };
      },
    },
  };
}
