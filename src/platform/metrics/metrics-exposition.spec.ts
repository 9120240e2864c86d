import { Counter, Histogram, register } from 'prom-client';
import { exposeMetrics, wantsOpenMetrics } from './metrics-exposition';

describe('exposeMetrics', () => {
  const counter = new Counter({ name: 'exposition_spec_calls_total', help: 'calls', labelNames: ['tool'] });
  // As mcp.metrics.ts does: an exemplar histogram is created outside any registry, then added to the default one.
  const histogram = new Histogram({ name: 'exposition_spec_seconds', help: 'latency', labelNames: ['tool'], buckets: [0.1, 1], enableExemplars: true, registers: [] });
  register.registerMetric(histogram);

  afterAll(() => {
    register.removeSingleMetric('exposition_spec_calls_total');
    register.removeSingleMetric('exposition_spec_seconds');
  });

  it('answers OpenMetrics with exemplars only when the Accept header asks for it', async () => {
    counter.inc({ tool: 'echo' });
    (histogram as Histogram<string>).observe({ labels: { tool: 'echo' }, value: 0.05, exemplarLabels: { trace_id: 'a'.repeat(32) } });

    const open = await exposeMetrics('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(open.contentType).toMatch(/^application\/openmetrics-text/);
    expect(open.body).toMatch(/^exposition_spec_seconds_bucket\{le="0\.1",tool="echo"\} 1 # \{trace_id="a{32}"\} 0\.05 \d/m);
    expect(open.body).toContain('# TYPE exposition_spec_calls counter');
    expect(open.body).toMatch(/^exposition_spec_calls_total\{tool="echo"\} 1$/m);
    expect(open.body.endsWith('# EOF\n')).toBe(true);

    // The text format afterwards is untouched: counter names keep `_total`, no exemplar syntax.
    const text = await exposeMetrics('text/plain');
    expect(text.contentType).toMatch(/^text\/plain/);
    expect(text.body).toContain('# TYPE exposition_spec_calls_total counter');
    expect(text.body).toMatch(/^exposition_spec_seconds_bucket\{le="0\.1",tool="echo"\} 1$/m);
    expect(text.body).not.toContain('# EOF');
  });

  it('reads the Accept header defensively', () => {
    expect(wantsOpenMetrics(undefined)).toBe(false);
    expect(wantsOpenMetrics('*/*')).toBe(false);
    expect(wantsOpenMetrics('APPLICATION/OPENMETRICS-TEXT')).toBe(true);
    expect(wantsOpenMetrics(`${'x'.repeat(2000)}application/openmetrics-text`)).toBe(false);
  });
});
