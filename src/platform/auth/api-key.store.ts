import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { BootFailure } from '../lifecycle/boot-failure';
import { KeysFileParse, parseApiKeysFile, RegistryKey } from './api-keys-file';
import { ALL_SCOPES } from './scopes';
import { Principal } from './principal.interface';

interface StoredKey {
  readonly principal: Principal;
  readonly rateLimitRpm?: number;
  readonly expiresAt?: number;
  readonly disabled: boolean;
}

/** An immutable view of every valid key: swapped whole on reload, so a request sees one version or the other. */
interface KeySnapshot {
  readonly byDigest: ReadonlyMap<string, StoredKey>;
  readonly byId: ReadonlyMap<string, StoredKey>;
}

/** What a presented key turned out to be. The key itself never appears in it. */
export type KeyCheck =
  | { readonly status: 'ok'; readonly principal: Principal }
  | { readonly status: 'expired' | 'disabled'; readonly id: string }
  | { readonly status: 'unknown' };

const hexDigestOf = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

const apiKeyPrincipal = (id: string, scopes: readonly string[]): Principal => ({ subject: id, clientId: id, scopes, via: 'api_key' });

/** Reads the keys file at boot: a missing, unreadable or invalid file stops the boot, listing every problem. */
function readKeysFileAtBoot(file: string): readonly RegistryKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BootFailure(`API_KEYS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'Point it at a file this user can read');
  }
  const parsed = parseApiKeysFile(text);
  if (!parsed.ok) {
    throw new BootFailure('API_KEYS_FILE is invalid', `Fix every problem, or unset API_KEYS_FILE:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return parsed.keys;
}

/**
 * Every key that may call: API_KEY_PRIMARY and API_KEY_SECONDARY (scope `*`) and the API_KEYS_FILE registry,
 * held as SHA-256 digests (looking up a digest reveals nothing about a key). In development with no key
 * configured, generates one at boot. `replaceRegistry` swaps the registry's keys at once.
 */
@Injectable()
export class ApiKeyStore {
  private readonly envKeys: readonly [string, StoredKey][];
  private snapshot: KeySnapshot;
  /** Set only when the key was generated at boot; main.ts prints it once. */
  readonly generatedKey?: string;
  readonly registryFile?: string;

  constructor(settings: ConfigService<Environment, true>) {
    let primary = settings.get('API_KEY_PRIMARY', { infer: true });
    const secondary = settings.get('API_KEY_SECONDARY', { infer: true });
    this.registryFile = settings.get('API_KEYS_FILE', { infer: true });
    if (!primary && !this.registryFile && settings.get('ENVIRONMENT', { infer: true }) === 'development') {
      primary = randomBytes(32).toString('base64url');
      this.generatedKey = primary;
    }
    const envKeys: [string, StoredKey][] = [];
    if (primary) envKeys.push([hexDigestOf(primary), { principal: apiKeyPrincipal('primary', [ALL_SCOPES]), disabled: false }]);
    if (secondary) envKeys.push([hexDigestOf(secondary), { principal: apiKeyPrincipal('secondary', [ALL_SCOPES]), disabled: false }]);
    this.envKeys = envKeys;
    this.snapshot = this.snapshotOf(this.registryFile ? readKeysFileAtBoot(this.registryFile) : []);
  }

  /** What a presented key is: a principal, a refused (expired or disabled) registry key, or unknown. */
  verify(presented: string, now = Date.now()): KeyCheck {
    const key = this.snapshot.byDigest.get(hexDigestOf(presented));
    if (!key) return { status: 'unknown' };
    if (key.disabled) return { status: 'disabled', id: key.principal.clientId };
    if (key.expiresAt !== undefined && now >= key.expiresAt) return { status: 'expired', id: key.principal.clientId };
    return { status: 'ok', principal: key.principal };
  }

  /** The key's own `rate_limit_rpm`, when its registry entry sets one. */
  rateLimitOf(clientId: string): number | undefined {
    return this.snapshot.byId.get(clientId)?.rateLimitRpm;
  }

  /** How many registry keys are loaded (not counting the environment's). */
  get registrySize(): number {
    return this.snapshot.byId.size - this.envKeys.length;
  }

  /** Applies a new version of the keys file: all of it when valid, nothing (the old keys stay) when not. */
  replaceRegistry(text: string): KeysFileParse {
    const parsed = parseApiKeysFile(text);
    if (parsed.ok) this.snapshot = this.snapshotOf(parsed.keys);
    return parsed;
  }

  private snapshotOf(registry: readonly RegistryKey[]): KeySnapshot {
    const byDigest = new Map<string, StoredKey>(this.envKeys);
    for (const key of registry) {
      // A registry entry never shadows an environment key with the same digest.
      if (byDigest.has(key.sha256)) continue;
      byDigest.set(key.sha256, {
        principal: apiKeyPrincipal(key.id, key.scopes),
        rateLimitRpm: key.rateLimitRpm,
        expiresAt: key.expiresAt,
        disabled: key.disabled,
      });
    }
    const byId = new Map([...byDigest.values()].map((key) => [key.principal.clientId, key]));
    return { byDigest, byId };
  }
}
