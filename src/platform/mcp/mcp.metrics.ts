import { Provider } from '@nestjs/common';
import { getToken, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Histogram, register } from 'prom-client';

export const MCP_TOOL_CALLS_TOTAL = 'mcp_tool_calls_total';
export const MCP_TOOL_DURATION_SECONDS = 'mcp_tool_duration_seconds';
export const MCP_TOOL_IN_FLIGHT = 'mcp_tool_in_flight';

/**
 * Tool metrics. `key_id` is only `primary` or `secondary`, so it is a safe label on the call counter;
 * the histogram keeps to `tool` to hold its series count down. Unknown tool names are never labels.
 */
export const mcpMetrics = [
  makeCounterProvider({
    name: MCP_TOOL_CALLS_TOTAL,
    help: 'Tool calls by tool, outcome status (ok, invalid, not_found, forbidden, retry, error, cancelled) and key id',
    labelNames: ['tool', 'status', 'key_id'],
  }),
  toolDurationProvider(),
  makeGaugeProvider({
    name: MCP_TOOL_IN_FLIGHT,
    help: 'Tool calls running now, by tool',
    labelNames: ['tool'],
  }),
];

/**
 * The tool latency histogram, with exemplars (the trace id of a sampled call per bucket, shown to OpenMetrics
 * scrapes only). prom-client refuses an exemplar metric in a registry whose format is the Prometheus text (the
 * default registry's), so it is created outside any registry and then added to the default one, whose text
 * output leaves the exemplars out; `/metrics` renders OpenMetrics on request (metrics-exposition.ts).
 */
function toolDurationProvider(): Provider {
  return {
    provide: getToken(MCP_TOOL_DURATION_SECONDS),
    useFactory: (): Histogram<string> => {
      const existing = register.getSingleMetric(MCP_TOOL_DURATION_SECONDS) as Histogram<string> | undefined;
      if (existing) return existing;
      const histogram = new Histogram({
        name: MCP_TOOL_DURATION_SECONDS,
        help: 'Tool call duration in seconds, by tool',
        labelNames: ['tool'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        enableExemplars: true,
        registers: [],
      });
      register.registerMetric(histogram);
      return histogram;
    },
  };
}
