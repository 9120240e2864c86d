import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { validateEnvironment } from '../../config/validate-environment';
import { ApiKeyStore } from './api-key.store';

const storeFor = (env: Record<string, string>): ApiKeyStore =>
  new ApiKeyStore(new ConfigService<Environment, true>(validateEnvironment(env)));

describe('ApiKeyStore', () => {
  const primary = 'primary-key-0123456789';
  const secondary = 'secondary-key-0123456789';

  it('names the key that matched, never the key itself', () => {
    const store = storeFor({ API_KEY_PRIMARY: primary, API_KEY_SECONDARY: secondary });
    expect(store.verify(primary)).toEqual({ keyId: 'primary', scopes: ['*'] });
    expect(store.verify(secondary)).toEqual({ keyId: 'secondary', scopes: ['*'] });
    expect(JSON.stringify(store.verify(primary))).not.toContain(primary);
  });

  it('rejects other keys, including prefixes, suffixes and the empty string', () => {
    const store = storeFor({ API_KEY_PRIMARY: primary });
    for (const presented of ['', primary.slice(0, -1), `${primary} `, primary.toUpperCase(), secondary]) {
      expect(store.verify(presented)).toBeUndefined();
    }
  });

  it('generates a strong key in development when none is configured', () => {
    const store = storeFor({});
    expect(store.generatedKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.verify(store.generatedKey as string)).toEqual({ keyId: 'primary', scopes: ['*'] });
    expect(storeFor({}).generatedKey).not.toBe(store.generatedKey);
  });

  it('generates nothing when a key is configured', () => {
    expect(storeFor({ API_KEY_PRIMARY: primary }).generatedKey).toBeUndefined();
  });
});
