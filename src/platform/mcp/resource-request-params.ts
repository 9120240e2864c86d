/**
 * Params checks for `resources/list` and `resources/read`. With the SDK's built-in schemas, a wrong params
 * shape (`uri: 1`, no params at all, `cursor: 1`) was answered -32603 with zod's issue list; through these it
 * is -32602 (invalid params) naming the field.
 */
import { Params, paramsSchema, stringIssue } from './request-params-schema';

/** Longest resource URI or cursor accepted (ours are far shorter). */
export const MAX_RESOURCE_PARAM_LENGTH = 2048;

export const RESOURCES_LIST_PARAMS = paramsSchema<Params & { cursor?: string }>((params) => stringIssue(params.cursor, ['cursor'], MAX_RESOURCE_PARAM_LENGTH, false));
export const RESOURCES_READ_PARAMS = paramsSchema<Params & { uri: string }>((params) => stringIssue(params.uri, ['uri'], MAX_RESOURCE_PARAM_LENGTH));
