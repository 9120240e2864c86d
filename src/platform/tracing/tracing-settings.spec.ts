import { validateEnvironment } from '../../config/validate-environment';
import { tracingConfigured, tracingSettingsFrom } from './tracing-settings';

describe('tracingSettingsFrom', () => {
  it('is undefined (tracing off) without an endpoint', () => {
    const env = validateEnvironment({});
    expect(tracingSettingsFrom(env)).toBeUndefined();
    expect(tracingConfigured({ get: (name) => env[name] })).toBe(false);
  });

  it('appends /v1/traces to the base endpoint, once', () => {
    for (const base of ['http://collector:4318', 'http://collector:4318/']) {
      expect(tracingSettingsFrom(validateEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: base }))?.tracesUrl).toBe('http://collector:4318/v1/traces');
    }
  });

  it('prefers the traces endpoint, used as is, and reads the standard settings', () => {
    const env = validateEnvironment({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/custom/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr%3Dt',
      OTEL_SERVICE_NAME: 'tools-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod',
      TRACE_SAMPLING_RATE: '0.1',
    });
    expect(tracingSettingsFrom(env)).toMatchObject({
      tracesUrl: 'https://otlp.example.com/custom/traces',
      protocol: 'http/json',
      headers: { 'x-api-key': 's3cr=t' },
      serviceName: 'tools-eu',
      resourceAttributes: { 'deployment.environment.name': 'prod' },
      samplingRate: 0.1,
      maxQueueSize: 2048,
    });
    expect(tracingConfigured({ get: (name) => env[name] })).toBe(true);
  });
});
