import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { validateEnvironment } from '../../config/validate-environment';
import { bootFailureMessage } from '../lifecycle/boot-failure';
import { ApiKeyStore } from './api-key.store';

const storeFor = (env: Record<string, string>): ApiKeyStore =>
  new ApiKeyStore(new ConfigService<Environment, true>(validateEnvironment(env)));
const sha256 = (key: string): string => createHash('sha256').update(key).digest('hex');
const keysFile = (text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.yaml');
  writeFileSync(file, text);
  return file;
};
/** What the operator reads on stderr when the store stops the boot. */
const bootMessageOf = (boot: () => unknown): string => {
  try {
    boot();
  } catch (error) {
    return bootFailureMessage(error);
  }
  throw new Error('the boot did not fail');
};
const principal = (id: string, scopes: string[]): object => ({ status: 'ok', principal: { subject: id, clientId: id, scopes, via: 'api_key' } });

describe('ApiKeyStore', () => {
  const primary = 'primary-key-0123456789';
  const secondary = 'secondary-key-0123456789';

  it('names the key that matched, never the key itself', () => {
    const store = storeFor({ API_KEY_PRIMARY: primary, API_KEY_SECONDARY: secondary });
    expect(store.verify(primary)).toEqual(principal('primary', ['*']));
    expect(store.verify(secondary)).toEqual(principal('secondary', ['*']));
    expect(JSON.stringify(store.verify(primary))).not.toContain(primary);
  });

  it('rejects other keys, including prefixes, suffixes and the empty string', () => {
    const store = storeFor({ API_KEY_PRIMARY: primary });
    for (const presented of ['', primary.slice(0, -1), `${primary} `, primary.toUpperCase(), secondary]) {
      expect(store.verify(presented)).toEqual({ status: 'unknown' });
    }
  });

  it('generates a strong key in development when none is configured', () => {
    const store = storeFor({});
    expect(store.generatedKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.verify(store.generatedKey as string)).toEqual(principal('primary', ['*']));
    expect(storeFor({}).generatedKey).not.toBe(store.generatedKey);
  });

  it('generates nothing when a key or a keys file is configured', () => {
    expect(storeFor({ API_KEY_PRIMARY: primary }).generatedKey).toBeUndefined();
    expect(storeFor({ API_KEYS_FILE: keysFile('keys: []') }).generatedKey).toBeUndefined();
  });

  describe('with API_KEYS_FILE', () => {
    const file = keysFile(
      [
        'keys:',
        `  - { id: reporting-bot, sha256: ${sha256('bot-key')}, scopes: [sql:read, rag:read], rate_limit_rpm: 30 }`,
        `  - { id: old-bot, sha256: ${sha256('old-key')}, scopes: ['*'], expires_at: 2026-01-01T00:00:00Z }`,
        `  - { id: off-bot, sha256: ${sha256('off-key')}, scopes: [], disabled: true }`,
      ].join('\n'),
    );

    it('answers each registry key with its id and scopes, and the environment keys with *', () => {
      const store = storeFor({ API_KEY_PRIMARY: primary, API_KEYS_FILE: file });
      expect(store.verify('bot-key')).toEqual(principal('reporting-bot', ['sql:read', 'rag:read']));
      expect(store.verify(primary)).toEqual(principal('primary', ['*']));
      expect(store.rateLimitOf('reporting-bot')).toBe(30);
      expect(store.rateLimitOf('primary')).toBeUndefined();
      expect(store.registrySize).toBe(3);
    });

    it('refuses an expired key from its expiry on, and a disabled key, naming the key id', () => {
      const store = storeFor({ API_KEYS_FILE: file });
      expect(store.verify('old-key', Date.parse('2025-12-31T23:59:59Z'))).toEqual(principal('old-bot', ['*']));
      expect(store.verify('old-key', Date.parse('2026-01-01T00:00:00Z'))).toEqual({ status: 'expired', id: 'old-bot' });
      expect(store.verify('off-key')).toEqual({ status: 'disabled', id: 'off-bot' });
    });

    it('swaps the whole registry on a valid new version and keeps it on an invalid one', () => {
      const store = storeFor({ API_KEYS_FILE: file });
      expect(store.replaceRegistry(`keys: [{ id: new-bot, sha256: ${sha256('new-key')}, scopes: [rag:read] }]`).ok).toBe(true);
      expect(store.verify('bot-key')).toEqual({ status: 'unknown' });
      expect(store.verify('new-key')).toEqual(principal('new-bot', ['rag:read']));
      expect(store.replaceRegistry('keys: [{ id: Bad }]').ok).toBe(false);
      expect(store.verify('new-key')).toEqual(principal('new-bot', ['rag:read']));
    });

    it('stops the boot on an invalid or missing file, listing every problem', () => {
      const bad = keysFile(`keys:\n  - { id: UPPER, sha256: nope, scopes: [sql:read] }\n  - { id: ok-id, sha256: ${sha256('x')}, scopes: sql:read, colour: red }`);
      expect(bootMessageOf(() => storeFor({ API_KEYS_FILE: bad }))).toBe(
        [
          'Startup failed: API_KEYS_FILE is invalid. Fix every problem, or unset API_KEYS_FILE:',
          '  - keys[0].id: must match [a-z0-9-]{1,64}',
          '  - keys[0].sha256: must be the hex SHA-256 of the key (64 hex digits)',
          '  - keys[1]: unknown field "colour"',
          '  - keys[1].scopes: must be a list of at most 256 scopes (visible ASCII, no quote or backslash, at most 128 characters)',
        ].join('\n'),
      );
      expect(bootMessageOf(() => storeFor({ API_KEYS_FILE: join(tmpdir(), 'no-such-dir-x', 'keys.yaml') }))).toBe(
        'Startup failed: API_KEYS_FILE cannot be read (ENOENT). Point it at a file this user can read',
      );
    });
  });
});
