import { parseApiKeysFile } from './api-keys-file';

const digest = 'a'.repeat(64);

describe('parseApiKeysFile', () => {
  it('reads YAML and JSON alike, lower-casing digests and dropping repeated scopes', () => {
    const yaml = parseApiKeysFile(`keys:\n  - id: reporting-bot\n    sha256: ${'A'.repeat(64)}\n    scopes: [sql:read, sql:read]\n    expires_at: 2027-06-30T00:00:00Z\n`);
    const json = parseApiKeysFile(JSON.stringify({ keys: [{ id: 'reporting-bot', sha256: digest, scopes: ['sql:read'], expires_at: '2027-06-30T00:00:00Z' }] }));
    const expected = { ok: true, keys: [{ id: 'reporting-bot', sha256: digest, scopes: ['sql:read'], expiresAt: Date.parse('2027-06-30T00:00:00Z'), disabled: false }] };
    expect(yaml).toEqual(expected);
    expect(json).toEqual(expected);
  });

  it.each([
    ['not YAML', 'keys: [', 'not valid YAML or JSON'],
    ['no keys list', 'keys: 3', 'must be an object with a "keys" list'],
    ['a reserved id', `keys: [{ id: primary, sha256: ${digest}, scopes: [] }]`, 'keys[0].id: "primary" is reserved'],
    ['a repeated id', `keys: [{ id: a, sha256: ${digest}, scopes: [] }, { id: a, sha256: ${'b'.repeat(64)}, scopes: [] }]`, 'keys[1].id: "a" is used twice'],
    ['a repeated digest', `keys: [{ id: a, sha256: ${digest}, scopes: [] }, { id: b, sha256: ${digest}, scopes: [] }]`, 'keys[1].sha256: the same digest is used twice'],
    ['a bad rate limit', `keys: [{ id: a, sha256: ${digest}, scopes: [], rate_limit_rpm: 0 }]`, 'keys[0].rate_limit_rpm: must be an integer from 1 to 1000000'],
    ['a bad expiry', `keys: [{ id: a, sha256: ${digest}, scopes: [], expires_at: soon }]`, 'keys[0].expires_at: must be an ISO 8601 date-time, e.g. 2027-06-30T00:00:00Z'],
    ['a bad disabled flag', `keys: [{ id: a, sha256: ${digest}, scopes: [], disabled: "yes" }]`, 'keys[0].disabled: must be true or false'],
    ['YAML aliases (billion laughs)', `a: &a [x]\nkeys: [*a]`, 'not valid YAML or JSON'],
  ])('refuses %s', (_case, text, problem) => {
    const parsed = parseApiKeysFile(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.replace(/ \(line \d+\)$/, ''))).toContain(problem);
  });

  it('never echoes a value that could be a secret', () => {
    const parsed = parseApiKeysFile('keys: [{ id: a, sha256: my-secret-key-in-clear, scopes: [] }]');
    expect(JSON.stringify(parsed)).not.toContain('my-secret-key-in-clear');
  });
});
