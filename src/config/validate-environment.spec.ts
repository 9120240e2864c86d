import { ConfigValidationError, validateEnvironment } from './validate-environment';

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

describe('validateEnvironment', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      ENVIRONMENT: 'development',
      HOST: '127.0.0.1',
      PORT: 8000,
      RATE_LIMIT_RPM: 100,
      RATE_LIMIT_STORAGE: 'memory',
      RATE_LIMIT_FAIL_MODE: 'open',
      LOG_FORMAT: 'json',
      LOG_OUTPUT: 'stdout',
      METRICS_ENABLED: true,
      HEALTH_CHECK_ENABLED: true,
      BODY_LIMIT_BYTES: 1048576,
      ALLOWED_ORIGINS: [],
    });
    expect(env.ENABLE_RAG).toBeUndefined();
  });

  it('converts numbers, flags and lists, and treats empty strings as unset', () => {
    const env = validateEnvironment({
      PORT: '9001',
      METRICS_ENABLED: 'no',
      HEALTH_CHECK_ENABLED: '0',
      ENABLE_RAG: 'on',
      TRACE_SAMPLING_RATE: '0.25',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example,',
      API_BASE_URL: '',
    });
    expect(env).toMatchObject({
      PORT: 9001,
      METRICS_ENABLED: false,
      HEALTH_CHECK_ENABLED: false,
      ENABLE_RAG: true,
      TRACE_SAMPLING_RATE: 0.25,
      ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'],
    });
    expect(env.API_BASE_URL).toBeUndefined();
  });

  it('binds to every interface outside development unless HOST says otherwise', () => {
    const key = 'k'.repeat(32);
    expect(validateEnvironment({ ENVIRONMENT: 'production', API_KEY_PRIMARY: key }).HOST).toBe('0.0.0.0');
    expect(validateEnvironment({ ENVIRONMENT: 'staging', API_KEY_PRIMARY: key, HOST: '10.1.2.3' }).HOST).toBe('10.1.2.3');
  });

  it('logs text for a person at a terminal in development, JSON everywhere else', () => {
    const key = 'k'.repeat(32);
    const format = (env: Record<string, string>, terminal: boolean): string | undefined =>
      validateEnvironment(env, { terminal }).LOG_FORMAT;
    expect(format({}, true)).toBe('text');
    expect(format({}, false)).toBe('json');
    expect(format({ ENVIRONMENT: 'production', API_KEY_PRIMARY: key }, true)).toBe('json');
    expect(format({ LOG_OUTPUT: 'both' }, true)).toBe('json');
    expect(format({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(format({ LOG_FORMAT: 'text', ENVIRONMENT: 'staging', API_KEY_PRIMARY: key }, false)).toBe('text');
  });

  it('lists every bad variable at once, naming each one and what it expects', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      RATE_LIMIT_STORAGE: 'disk',
      LOG_FORMAT: 'xml',
      METRICS_ENABLED: 'maybe',
      TRACE_SAMPLING_RATE: '2',
      REDIS_URL: 'http://127.0.0.1:6379',
      ENVIRONMENT: 'prod',
    });
    const named = problems.map((problem) => problem.split(/[=:]/)[0]);
    expect(named.sort()).toEqual(
      ['ENVIRONMENT', 'LOG_FORMAT', 'METRICS_ENABLED', 'PORT', 'RATE_LIMIT_STORAGE', 'REDIS_URL', 'TRACE_SAMPLING_RATE'].sort(),
    );
    expect(problems.find((problem) => problem.startsWith('PORT'))).toContain('integer');
    expect(problems.find((problem) => problem.startsWith('RATE_LIMIT_STORAGE'))).toContain('memory, redis');
  });

  it('never echoes a secret value in its message', () => {
    const error = (() => {
      try {
        validateEnvironment({ API_KEY_PRIMARY: 'short secret', DB_URL: 'mysql://u:pw-9f8e7d@db/x' });
      } catch (caught) {
        return caught as ConfigValidationError;
      }
      throw new Error('expected a ConfigValidationError');
    })();
    expect(error.message).toContain('API_KEY_PRIMARY=<redacted>');
    expect(error.message).toContain('DB_URL=<redacted>');
    expect(error.message).not.toContain('short secret');
    expect(error.message).not.toContain('pw-9f8e7d');
  });

  it('refuses staging and production without a primary key', () => {
    expect(problemsOf({ ENVIRONMENT: 'production' })).toEqual(['API_KEY_PRIMARY: required when ENVIRONMENT=production (or set API_KEYS_FILE or OAUTH_ISSUER)']);
    expect(problemsOf({ ENVIRONMENT: 'staging' })).toHaveLength(1);
  });

  it('needs no key over stdio, where the caller is the local process owner', () => {
    expect(validateEnvironment({ ENVIRONMENT: 'production' }, { stdio: true }).API_KEY_PRIMARY).toBeUndefined();
  });

  it('refuses a secondary key without a primary one, or equal to it', () => {
    const key = 's'.repeat(20);
    expect(problemsOf({ API_KEY_SECONDARY: key })[0]).toContain('set API_KEY_PRIMARY too');
    expect(problemsOf({ API_KEY_PRIMARY: key, API_KEY_SECONDARY: key })[0]).toContain('must differ');
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '20' })).toEqual([
      'HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (the headers are part of the request)',
    ]);
    expect(validateEnvironment({ HTTP_HEADERS_TIMEOUT_SECONDS: '20', HTTP_REQUEST_TIMEOUT_SECONDS: '20' }).HTTP_HEADERS_TIMEOUT_SECONDS).toBe(20);
  });

  it('defaults the upstream and tracing settings to the original design, with every deadline inside the 50 s ceiling', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      API_TIMEOUT_SECONDS: 10,
      API_MAX_RETRIES: 3,
      API_BACKOFF_FACTOR: 2.0,
      API_MAX_CONNECTIONS: 10,
      TRACE_SAMPLING_RATE: 1.0,
      TOOL_TIMEOUT_SECONDS: 30,
      TOOL_MAX_TIMEOUT_SECONDS: 50,
      API_DEADLINE_SECONDS: 29,
    });
    // Backoff 2.0 with 3 retries waits 2, 4 and 8 s (plus at most 25 % jitter): they fit the upstream deadline.
    const waits = [1, 2, 3].map((retry) => env.API_BACKOFF_FACTOR * 2 ** (retry - 1) * 1.25);
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThan(env.API_DEADLINE_SECONDS);
  });

  it('refuses a default tool deadline or an upstream deadline that would end past TOOL_MAX_TIMEOUT_SECONDS', () => {
    expect(problemsOf({ TOOL_TIMEOUT_SECONDS: '55' })).toEqual(['TOOL_TIMEOUT_SECONDS: must not exceed TOOL_MAX_TIMEOUT_SECONDS (50)']);
    const upstream = { API_BASE_URL: 'http://127.0.0.1:9' };
    expect(problemsOf({ ...upstream, API_DEADLINE_SECONDS: '60' })).toEqual([
      "API_DEADLINE_SECONDS: must be at most TOOL_MAX_TIMEOUT_SECONDS - 1 (49); the REST tools' deadline is it plus 1 s",
    ]);
    expect(problemsOf({ ...upstream, TOOL_MAX_TIMEOUT_SECONDS: '20' })).toHaveLength(2);
    // Without API_BASE_URL there are no REST tools, so their deadline does not count.
    expect(validateEnvironment({ TOOL_MAX_TIMEOUT_SECONDS: '1', TOOL_TIMEOUT_SECONDS: '1' }).TOOL_MAX_TIMEOUT_SECONDS).toBe(1);
    expect(validateEnvironment({ ...upstream, TOOL_MAX_TIMEOUT_SECONDS: '120', TOOL_TIMEOUT_SECONDS: '90', API_DEADLINE_SECONDS: '119' }).API_DEADLINE_SECONDS).toBe(119);
  });

  it('refuses a malformed OTEL_EXPORTER_OTLP_HEADERS naming the variable, never its (secret) value', () => {
    const problems = problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization Bearer-s3cret-token' });
    expect(problems).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_HEADERS: must be a comma-separated list of key=value pairs/)]);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses gRPC, a non-URL endpoint and a bad resource attribute list, each on its own line', () => {
    const problems = problemsOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    expect(problems).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT=/),
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL="grpc": .*http\/protobuf, http\/json/),
    ]);
    expect(problemsOf({ OTEL_RESOURCE_ATTRIBUTES: 'no-equals-sign' })).toEqual([expect.stringMatching(/^OTEL_RESOURCE_ATTRIBUTES: /)]);
  });
});
