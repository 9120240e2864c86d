import { parse } from 'yaml';

/** One key of the API_KEYS_FILE registry, as validated. */
export interface RegistryKey {
  readonly id: string;
  /** Lower-case hex SHA-256 of the key. */
  readonly sha256: string;
  readonly scopes: readonly string[];
  readonly rateLimitRpm?: number;
  /** Milliseconds since the epoch; the key is refused from then on. */
  readonly expiresAt?: number;
  readonly disabled: boolean;
}

export const KEY_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** RFC 6749 scope-token: visible ASCII except `"` and `\`. */
export const SCOPE_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
/** Ids the environment keys and the stdio door use. */
const RESERVED_IDS: ReadonlySet<string> = new Set(['primary', 'secondary', 'local']);
const FIELDS: ReadonlySet<string> = new Set(['id', 'sha256', 'scopes', 'rate_limit_rpm', 'expires_at', 'disabled']);
export const MAX_KEYS_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_REGISTRY_KEYS = 10_000;
const MAX_SCOPES_PER_KEY = 256;
const MAX_RATE_LIMIT_RPM = 1_000_000;

export type KeysFileParse = { readonly ok: true; readonly keys: readonly RegistryKey[] } | { readonly ok: false; readonly problems: readonly string[] };

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Parses and validates the text of an API_KEYS_FILE (YAML, or JSON, which is YAML): `{ keys: [...] }`.
 * Answers every problem found, each naming the entry and field, never a value that could be a secret.
 */
export function parseApiKeysFile(text: string): KeysFileParse {
  if (Buffer.byteLength(text, 'utf8') > MAX_KEYS_FILE_BYTES) return { ok: false, problems: [`the file is larger than ${MAX_KEYS_FILE_BYTES} bytes`] };
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 0, prettyErrors: false });
  } catch (error) {
    const line = (error as { linePos?: [{ line: number }] }).linePos?.[0]?.line;
    return { ok: false, problems: [`not valid YAML or JSON${line === undefined ? '' : ` (line ${line})`}`] };
  }
  if (!isRecord(document) || !Array.isArray(document.keys)) return { ok: false, problems: ['must be an object with a "keys" list'] };
  const problems: string[] = [];
  for (const field of Object.keys(document)) if (field !== 'keys') problems.push(`unknown field "${field.slice(0, 64)}"`);
  if (document.keys.length > MAX_REGISTRY_KEYS) return { ok: false, problems: [`keys: at most ${MAX_REGISTRY_KEYS} entries`] };
  const keys: RegistryKey[] = [];
  const ids = new Set<string>();
  const digests = new Set<string>();
  document.keys.forEach((entry: unknown, index) => {
    const key = parseEntry(entry, `keys[${index}]`, problems);
    if (!key) return;
    if (ids.has(key.id)) problems.push(`keys[${index}].id: "${key.id}" is used twice`);
    if (digests.has(key.sha256)) problems.push(`keys[${index}].sha256: the same digest is used twice`);
    ids.add(key.id);
    digests.add(key.sha256);
    keys.push(key);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, keys };
}

function parseEntry(entry: unknown, at: string, problems: string[]): RegistryKey | undefined {
  if (!isRecord(entry)) {
    problems.push(`${at}: must be an object`);
    return undefined;
  }
  const before = problems.length;
  for (const field of Object.keys(entry)) if (!FIELDS.has(field)) problems.push(`${at}: unknown field "${field.slice(0, 64)}"`);
  const { id, sha256, scopes, rate_limit_rpm: rpm, expires_at: expires, disabled } = entry;
  if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) problems.push(`${at}.id: must match [a-z0-9-]{1,64}`);
  else if (RESERVED_IDS.has(id)) problems.push(`${at}.id: "${id}" is reserved`);
  const digest = typeof sha256 === 'string' ? sha256.toLowerCase() : '';
  if (!SHA256_PATTERN.test(digest)) problems.push(`${at}.sha256: must be the hex SHA-256 of the key (64 hex digits)`);
  if (!Array.isArray(scopes) || scopes.length > MAX_SCOPES_PER_KEY || !scopes.every((s) => typeof s === 'string' && SCOPE_PATTERN.test(s))) {
    problems.push(`${at}.scopes: must be a list of at most ${MAX_SCOPES_PER_KEY} scopes (visible ASCII, no quote or backslash, at most 128 characters)`);
  }
  if (rpm !== undefined && !(Number.isInteger(rpm) && (rpm as number) >= 1 && (rpm as number) <= MAX_RATE_LIMIT_RPM)) {
    problems.push(`${at}.rate_limit_rpm: must be an integer from 1 to ${MAX_RATE_LIMIT_RPM}`);
  }
  const expiresAt = expires instanceof Date ? expires.getTime() : typeof expires === 'string' && /^\d{4}-\d{2}-\d{2}/.test(expires) ? Date.parse(expires) : Number.NaN;
  if (expires !== undefined && !Number.isFinite(expiresAt)) problems.push(`${at}.expires_at: must be an ISO 8601 date-time, e.g. 2027-06-30T00:00:00Z`);
  if (disabled !== undefined && typeof disabled !== 'boolean') problems.push(`${at}.disabled: must be true or false`);
  if (problems.length > before) return undefined;
  return {
    id: id as string,
    sha256: digest,
    scopes: [...new Set(scopes as string[])],
    ...(rpm !== undefined ? { rateLimitRpm: rpm as number } : {}),
    ...(expires !== undefined ? { expiresAt } : {}),
    disabled: disabled === true,
  };
}
