import { Metric, MetricObjectWithValues, MetricValue, Registry, register } from 'prom-client';

/** What a scrape is answered with. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

/** True when the scraper asks for OpenMetrics (Prometheus does when exemplar storage is on). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.length <= 1024 && accept.toLowerCase().includes('application/openmetrics-text');
}

type Renderer = { getMetricsAsString(metric: { get(): Promise<MetricObjectWithValues<MetricValue<string>>> }): Promise<string> };

/** OpenMetrics names a counter without `_total` in its HELP/TYPE lines (the samples get it back). */
function counterFamilyName(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/**
 * The default registry's metrics in the Prometheus text format, or in OpenMetrics when asked for: the only
 * format that carries exemplars (the tool latency histogram's trace ids). The global registry keeps the text
 * format. prom-client's own OpenMetrics rendering renames counter objects in place (dropping `_total` for
 * good, which would corrupt every later text scrape), so each metric is rendered here from a copy of its values.
 */
export async function exposeMetrics(accept: string | undefined): Promise<MetricsExposition> {
  if (!wantsOpenMetrics(accept)) return { contentType: register.contentType, body: await register.metrics() };
  // The typings declare neither the constructor's content type nor getMetricsAsString (both exist in prom-client 15).
  const renderer = new (Registry as unknown as new (contentType: string) => Renderer)(Registry.OPENMETRICS_CONTENT_TYPE);
  const families = await Promise.all(
    register.getMetricsAsArray().map((metric) =>
      renderer.getMetricsAsString({
        get: async () => {
          const values = await (metric as unknown as Metric<string>).get();
          return String(values.type) === 'counter' ? { ...values, name: counterFamilyName(values.name) } : values;
        },
      }),
    ),
  );
  return { contentType: Registry.OPENMETRICS_CONTENT_TYPE, body: `${families.join('\n')}\n# EOF\n` };
}
