import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { Environment, SENSITIVE_VARIABLES } from './environment';
import { parseOtelKeyValues } from './otel-key-values';

/** Thrown when the environment is invalid; its message lists every problem, one per line. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.map((problem) => `  - ${problem}`).join('\n'));
    this.name = 'ConfigValidationError';
  }
}

const KNOWN_VARIABLES = Object.keys(new Environment());

function shown(name: string, value: unknown): string {
  if (SENSITIVE_VARIABLES.has(name)) return '<redacted>';
  return JSON.stringify(value);
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${error.property}=${shown(error.property, error.value)}: ${reasons}`;
}

/** How the process serves: over stdio no API key is used (the caller is the local process owner). */
export interface ValidationContext {
  readonly stdio?: boolean;
  /** The log lines go to a terminal (a person reads them): LOG_FORMAT then defaults to text in development. */
  readonly terminal?: boolean;
}

function crossFieldProblems(env: Environment, context: ValidationContext): string[] {
  const problems: string[] = [];
  if (!context.stdio && env.ENVIRONMENT !== 'development' && !env.API_KEY_PRIMARY && !env.API_KEYS_FILE && !env.OAUTH_ISSUER) {
    problems.push(`API_KEY_PRIMARY: required when ENVIRONMENT=${env.ENVIRONMENT} (or set API_KEYS_FILE or OAUTH_ISSUER)`);
  }
  problems.push(...oauthProblems(env));
  if (env.API_KEY_SECONDARY && !env.API_KEY_PRIMARY) {
    problems.push('API_KEY_SECONDARY: set API_KEY_PRIMARY too (the secondary key is for rotation)');
  }
  if (env.API_KEY_SECONDARY && env.API_KEY_SECONDARY === env.API_KEY_PRIMARY) {
    problems.push('API_KEY_SECONDARY: must differ from API_KEY_PRIMARY');
  }
  if (env.HTTP_HEADERS_TIMEOUT_SECONDS > env.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problems.push('HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (the headers are part of the request)');
  }
  problems.push(...deadlineProblems(env));
  problems.push(...tracingProblems(env));
  return problems;
}

/** The OpenTelemetry key=value lists must parse; the message names the variable, never its value (headers are secret). */
function tracingProblems(env: Environment): string[] {
  const problems: string[] = [];
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_RESOURCE_ATTRIBUTES'] as const) {
    const value = env[name];
    if (value !== undefined && parseOtelKeyValues(value) === undefined) {
      problems.push(`${name}: must be a comma-separated list of key=value pairs (keys are HTTP tokens, values percent-encoded, at most 64 pairs and 8192 characters)`);
    }
  }
  return problems;
}

/** OAuth needs an audience (tokens minted for another resource must not pass) and, outside development, TLS. */
function oauthProblems(env: Environment): string[] {
  const problems: string[] = [];
  if (env.OAUTH_ISSUER && !env.OAUTH_AUDIENCE) problems.push('OAUTH_AUDIENCE: required when OAUTH_ISSUER is set');
  if (!env.OAUTH_ISSUER && (env.OAUTH_AUDIENCE || env.OAUTH_JWKS_URL)) {
    problems.push('OAUTH_ISSUER: required when OAUTH_AUDIENCE or OAUTH_JWKS_URL is set');
  }
  if (env.OAUTH_ALGORITHMS.length === 0) problems.push('OAUTH_ALGORITHMS: name at least one algorithm');
  if (env.ENVIRONMENT !== 'development') {
    for (const name of ['OAUTH_ISSUER', 'OAUTH_JWKS_URL'] as const) {
      if (env[name]?.startsWith('http:')) problems.push(`${name}: must be https when ENVIRONMENT=${env.ENVIRONMENT}`);
    }
  }
  return problems;
}

/** Every tool answers within TOOL_MAX_TIMEOUT_SECONDS: the default deadline and, with API_BASE_URL, the REST tools' one (upstream deadline + 1 s). */
function deadlineProblems(env: Environment): string[] {
  const problems: string[] = [];
  const cap = env.TOOL_MAX_TIMEOUT_SECONDS;
  if (env.TOOL_TIMEOUT_SECONDS > cap) {
    problems.push(`TOOL_TIMEOUT_SECONDS: must not exceed TOOL_MAX_TIMEOUT_SECONDS (${cap})`);
  }
  if (env.API_BASE_URL && env.API_DEADLINE_SECONDS + 1 > cap) {
    problems.push(`API_DEADLINE_SECONDS: must be at most TOOL_MAX_TIMEOUT_SECONDS - 1 (${cap - 1}); the REST tools' deadline is it plus 1 s`);
  }
  return problems;
}

/**
 * Validates the raw environment once at boot and returns the typed settings.
 * Empty strings count as unset. Throws a ConfigValidationError listing every bad variable.
 */
export function validateEnvironment(raw: Record<string, unknown>, context: ValidationContext = {}): Environment {
  const known: Record<string, unknown> = {};
  for (const name of KNOWN_VARIABLES) {
    const value = raw[name];
    if (value !== undefined && value !== '') known[name] = value;
  }
  const env = plainToInstance(Environment, known, { exposeDefaultValues: true });
  const problems = validateSync(env, { skipMissingProperties: false }).map(describe);
  if (problems.length === 0) problems.push(...crossFieldProblems(env, context));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  env.HOST ??= env.ENVIRONMENT === 'development' ? '127.0.0.1' : '0.0.0.0';
  // Text for a person at a terminal; a file (LOG_OUTPUT=file or both) and anything piped get JSON.
  env.LOG_FORMAT ??= env.ENVIRONMENT === 'development' && context.terminal && env.LOG_OUTPUT === 'stdout' ? 'text' : 'json';
  return env;
}
