/**
 * Params checks for `resources/list` and `resources/read` as Standard Schema objects (the interface the SDK
 * accepts beside its own zod schemas). With the SDK's built-in schemas, a wrong params shape (`uri: 1`, no
 * params at all, `cursor: 1`) was answered -32603 with zod's issue list; through these it is -32602 (invalid
 * params) naming the field, the same answer `tools/call` gives.
 */
import type { StandardSchemaV1 } from '@modelcontextprotocol/server';

export type ParamsSchema<T> = StandardSchemaV1<unknown, T>;

/** Longest resource URI or cursor accepted (ours are far shorter). */
export const MAX_RESOURCE_PARAM_LENGTH = 2048;

type Params = Record<string, unknown> & { _meta?: Record<string, unknown> };

function stringProblem(value: unknown, required: boolean): string | undefined {
  if (value === undefined) return required ? 'is required' : undefined;
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_RESOURCE_PARAM_LENGTH) return `must be at most ${MAX_RESOURCE_PARAM_LENGTH} characters`;
  return undefined;
}

function paramsSchema<T extends Params>(field: string, required: boolean): ParamsSchema<T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-tool-server',
      validate: (value) => {
        const params = value ?? {};
        if (typeof params !== 'object' || Array.isArray(params)) return { issues: [{ message: 'params must be an object' }] };
        const problem = stringProblem((params as Params)[field], required);
        return problem ? { issues: [{ message: problem, path: [field] }] } : { value: params as T };
      },
    },
  };
}

export const RESOURCES_LIST_PARAMS = paramsSchema<Params & { cursor?: string }>('cursor', false);
export const RESOURCES_READ_PARAMS = paramsSchema<Params & { uri: string }>('uri', true);
