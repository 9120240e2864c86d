/** Params checks for `prompts/list`, `prompts/get` and `completion/complete` (see `request-params-schema.ts`). */
import { Issue, isObject, Params, paramsSchema, stringIssue } from './request-params-schema';
import { MAX_RESOURCE_PARAM_LENGTH } from './resource-request-params';

/** Longest value of one prompt argument (a DTO may set a lower `@MaxLength`). */
export const MAX_PROMPT_ARGUMENT_LENGTH = 8192;
/** Longest partial value `completion/complete` accepts. */
export const MAX_COMPLETION_VALUE_LENGTH = 256;
/** Longest prompt or argument name accepted (ours match `^[a-z][a-z0-9_]{0,63}$`). */
const MAX_NAME_LENGTH = 128;

export interface PromptsGetParams extends Params {
  name: string;
  arguments?: Record<string, string>;
}

export type CompletionRef = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

export interface CompleteParams extends Params {
  ref: CompletionRef;
  argument: { name: string; value: string };
  context?: { arguments?: Record<string, string> };
}

/** A map of string values (`arguments`, `context.arguments`): each name and value bounded. */
function stringMapIssue(value: unknown, path: string[]): Issue | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return { message: 'must be an object of strings', path };
  for (const [key, item] of Object.entries(value)) {
    if (key.length > MAX_NAME_LENGTH) return { message: `has a name longer than ${MAX_NAME_LENGTH} characters`, path };
    const issue = stringIssue(item, [...path, key], MAX_PROMPT_ARGUMENT_LENGTH);
    if (issue) return issue;
  }
  return undefined;
}

export const PROMPTS_LIST_PARAMS = paramsSchema<Params & { cursor?: string }>((params) => stringIssue(params.cursor, ['cursor'], MAX_RESOURCE_PARAM_LENGTH, false));

export const PROMPTS_GET_PARAMS = paramsSchema<PromptsGetParams>(
  (params) => stringIssue(params.name, ['name'], MAX_NAME_LENGTH) ?? stringMapIssue(params.arguments, ['arguments']),
);

function refIssue(ref: unknown): Issue | undefined {
  if (!isObject(ref)) return { message: 'must be an object', path: ['ref'] };
  if (ref.type === 'ref/prompt') return stringIssue(ref.name, ['ref', 'name'], MAX_NAME_LENGTH);
  if (ref.type === 'ref/resource') return stringIssue(ref.uri, ['ref', 'uri'], MAX_RESOURCE_PARAM_LENGTH);
  return { message: "must be 'ref/prompt' or 'ref/resource'", path: ['ref', 'type'] };
}

export const COMPLETE_PARAMS = paramsSchema<CompleteParams>((params) => {
  const argument = params.argument;
  const context = params.context;
  return (
    refIssue(params.ref) ??
    (isObject(argument)
      ? (stringIssue(argument.name, ['argument', 'name'], MAX_NAME_LENGTH) ?? stringIssue(argument.value, ['argument', 'value'], MAX_COMPLETION_VALUE_LENGTH))
      : { message: 'must be an object', path: ['argument'] }) ??
    (context === undefined ? undefined : isObject(context) ? stringMapIssue(context.arguments, ['context', 'arguments']) : { message: 'must be an object', path: ['context'] })
  );
});
