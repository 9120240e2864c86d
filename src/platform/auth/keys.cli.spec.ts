import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiKeysFile } from './api-keys-file';
import { runKeysCli } from './keys.cli';

const run = (...args: string[]): { code: number; out: string; err: string } => {
  let out = '';
  let err = '';
  const code = runKeysCli(args, (text) => (out += text), (text) => (err += text));
  return { code, out, err };
};
const sha256 = (key: string): string => createHash('sha256').update(key).digest('hex');

describe('npm run keys', () => {
  it('create prints a strong key once, then its entry, which the registry accepts', () => {
    const { code, out } = run('create', '--id', 'reporting-bot', '--scopes', 'sql:read,rag:read', '--rate-limit-rpm', '30');
    expect(code).toBe(0);
    const [key, , ...entry] = out.split('\n');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKeysFile(`keys:\n${entry.map((line) => `  ${line}`).join('\n')}`);
    expect(parsed).toEqual({ ok: true, keys: [{ id: 'reporting-bot', sha256: sha256(key as string), scopes: ['sql:read', 'rag:read'], rateLimitRpm: 30, disabled: false }] });
    expect(run('create', '--id', 'reporting-bot', '--scopes', 'sql:read').out.split('\n')[0]).not.toBe(key);
  });

  it('--append adds the entry to the file, keeping its comments, and refuses a duplicate id', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-cli-')), 'keys.yaml');
    writeFileSync(file, `# the team's keys\nkeys:\n  - id: first\n    sha256: ${'a'.repeat(64)}\n    scopes: ['*']\n`);
    const { code, out } = run('create', '--id', 'second', '--scopes', 'rag:read', '--append', file);
    expect(code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("# the team's keys");
    const parsed = parseApiKeysFile(text);
    expect(parsed.ok && parsed.keys.map((k) => [k.id, k.sha256])).toEqual([['first', 'a'.repeat(64)], ['second', sha256(out.trim())]]);
    const again = run('create', '--id', 'second', '--scopes', 'rag:read', '--append', file);
    expect(again.code).toBe(2);
    expect(again.err).toContain('keys[2].id: "second" is used twice');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('creates the file when it does not exist', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-cli-')), 'new.yaml');
    expect(run('create', '--id', 'only', '--scopes', 'sql:read', '--append', file).code).toBe(0);
    expect(parseApiKeysFile(readFileSync(file, 'utf8')).ok).toBe(true);
  });

  it.each([
    [['list'], 'usage: npm run keys'],
    [['create', '--id', 'x'], 'usage: npm run keys'],
    [['create', '--id', 'Bad_Id', '--scopes', 'a'], '--id: must match [a-z0-9-]{1,64}'],
    [['create', '--id', 'x', '--scopes', 'a"b'], '--scopes: "a"b" is not a valid scope'],
    [['create', '--id', 'x', '--scopes', 'a', '--colour', 'red'], 'unknown option --colour'],
    [['create', '--id', 'x', '--scopes', 'a', '--rate-limit-rpm', 'lots'], '--rate-limit-rpm: must be an integer from 1 to 1000000'],
    [['create', '--id', 'x', '--scopes', 'a', '--expires-at', 'soon'], '--expires-at: must be an ISO 8601 date-time'],
  ])('refuses %j', (args, message) => {
    const { code, out, err } = run(...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
  });
});
