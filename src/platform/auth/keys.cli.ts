import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMap, isSeq, parseDocument, stringify, YAMLSeq } from 'yaml';
import { KEY_ID_PATTERN, parseApiKeysFile, SCOPE_PATTERN } from './api-keys-file';

const USAGE =
  'usage: npm run keys -- create --id <id> --scopes <scope,scope,...> [--rate-limit-rpm <n>] [--expires-at <ISO date-time>] [--append <keys file>]';

/** A registry entry as the file holds it (snake_case fields). */
export interface KeyFileEntry {
  readonly id: string;
  readonly sha256: string;
  readonly scopes: readonly string[];
  readonly rate_limit_rpm?: number;
  readonly expires_at?: string;
}

export interface CreatedKey {
  /** The key in clear: shown once, never stored. */
  readonly key: string;
  readonly entry: KeyFileEntry;
}

/** A new strong key (256 random bits, base64url) and its registry entry; checks the options as the file would. */
export function createKey(options: { id: string; scopes: readonly string[]; rateLimitRpm?: number; expiresAt?: string }): CreatedKey {
  const key = randomBytes(32).toString('base64url');
  const entry: KeyFileEntry = {
    id: options.id,
    sha256: createHash('sha256').update(key, 'utf8').digest('hex'),
    scopes: [...options.scopes],
    ...(options.rateLimitRpm !== undefined ? { rate_limit_rpm: options.rateLimitRpm } : {}),
    ...(options.expiresAt !== undefined ? { expires_at: options.expiresAt } : {}),
  };
  const check = parseApiKeysFile(JSON.stringify({ keys: [entry] }));
  if (!check.ok) throw new Error(check.problems.map((p) => p.replace(/^keys\[0\]\.(\w+)/, (_all, field: string) => `--${field.replaceAll('_', '-')}`)).join('\n'));
  return { key, entry };
}

/**
 * Appends an entry to a keys file (created when missing), keeping its comments, after checking that the whole
 * new file is valid (the id and digest unique). Written to a temporary file then renamed, so a server watching
 * the file never reads half of it.
 */
export function appendKeyEntry(file: string, entry: KeyFileEntry): void {
  const document = parseDocument(existsSync(file) ? readFileSync(file, 'utf8') : 'keys: []\n');
  const keys: unknown = isMap(document.contents) ? document.get('keys') : undefined;
  if (!isSeq(keys)) throw new Error(`${file}: must be an object with a "keys" list`);
  (keys as YAMLSeq).flow = false;
  (keys as YAMLSeq).add(document.createNode(entry, { flow: false }));
  const text = document.toString();
  const check = parseApiKeysFile(text);
  if (!check.ok) throw new Error(`${file} would be invalid:\n${check.problems.map((p) => `  - ${p}`).join('\n')}`);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

const OPTIONS: ReadonlySet<string> = new Set(['--id', '--scopes', '--rate-limit-rpm', '--expires-at', '--append']);

/** `--name value` pairs; an unknown option, a missing value or a repeated option is an error. */
function optionsOf(args: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i] as string, args[i + 1]];
    if (!OPTIONS.has(name)) throw new Error(`unknown option ${name.slice(0, 64)}\n${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
    if (options.has(name)) throw new Error(`${name} is given twice`);
    options.set(name, value);
  }
  return options;
}

/**
 * Runs `keys create ...`: prints the new key, then (without `--append`) the YAML entry to add, on `out`;
 * notes on `err`. Answers the exit code.
 */
export function runKeysCli(args: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  try {
    if (args[0] !== 'create') throw new Error(USAGE);
    const options = optionsOf(args.slice(1));
    const id = options.get('--id');
    const scopes = options.get('--scopes');
    if (id === undefined || scopes === undefined) throw new Error(USAGE);
    if (!KEY_ID_PATTERN.test(id)) throw new Error('--id: must match [a-z0-9-]{1,64}');
    const scopeList = scopes.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
    const badScope = scopeList.find((scope) => !SCOPE_PATTERN.test(scope));
    if (badScope !== undefined) throw new Error(`--scopes: "${badScope.slice(0, 128)}" is not a valid scope`);
    const rpm = options.get('--rate-limit-rpm');
    const expiresAt = options.get('--expires-at');
    const created = createKey({
      id,
      scopes: scopeList,
      ...(rpm !== undefined ? { rateLimitRpm: Number(rpm) } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    });
    const file = options.get('--append');
    if (file !== undefined) appendKeyEntry(file, created.entry);
    out(`${created.key}\n`);
    if (file === undefined) out(`\n${stringify([created.entry])}`);
    err(`The key of "${id}" is the first line above: it is shown this once and stored nowhere; give it to its client now.\n`);
    err(file !== undefined ? `Its entry was added to ${file}; a running server picks it up within seconds.\n` : 'Add the entry under "keys:" in API_KEYS_FILE.\n');
    return 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = runKeysCli(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
}
