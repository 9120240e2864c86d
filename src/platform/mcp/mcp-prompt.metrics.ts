import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const MCP_PROMPT_GETS_TOTAL = 'mcp_prompt_gets_total';
export const MCP_PROMPT_DURATION_SECONDS = 'mcp_prompt_duration_seconds';

/** Prompt metrics, labelled like the tool metrics; unknown prompt names are never labels. */
export const mcpPromptMetrics = [
  makeCounterProvider({
    name: MCP_PROMPT_GETS_TOTAL,
    help: 'prompts/get by prompt, outcome status (ok, invalid, not_found, forbidden, retry, error, cancelled) and key id',
    labelNames: ['prompt', 'status', 'key_id'],
  }),
  makeHistogramProvider({
    name: MCP_PROMPT_DURATION_SECONDS,
    help: 'prompts/get duration in seconds, by prompt',
    labelNames: ['prompt'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
];
