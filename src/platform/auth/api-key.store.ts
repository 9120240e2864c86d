import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { ApiKeyId, Principal } from './principal.interface';

interface StoredKey {
  readonly id: ApiKeyId;
  readonly digest: Buffer;
}

const digestOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * The configured API keys (primary and secondary, both valid during a rotation), held as SHA-256 digests
 * and compared in constant time. In development with no key configured, generates one at boot.
 */
@Injectable()
export class ApiKeyStore {
  private readonly keys: readonly StoredKey[];
  /** Set only when the key was generated at boot; main.ts prints it once. */
  readonly generatedKey?: string;

  constructor(settings: ConfigService<Environment, true>) {
    let primary = settings.get('API_KEY_PRIMARY', { infer: true });
    const secondary = settings.get('API_KEY_SECONDARY', { infer: true });
    if (!primary && settings.get('ENVIRONMENT', { infer: true }) === 'development') {
      primary = randomBytes(32).toString('base64url');
      this.generatedKey = primary;
    }
    const keys: StoredKey[] = [];
    if (primary) keys.push({ id: 'primary', digest: digestOf(primary) });
    if (secondary) keys.push({ id: 'secondary', digest: digestOf(secondary) });
    this.keys = keys;
  }

  /** The principal for a presented key, or undefined. Every stored key is compared, whatever matches. */
  verify(presented: string): Principal | undefined {
    const digest = digestOf(presented);
    let match: StoredKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest) && match === undefined) match = key;
    }
    return match && { keyId: match.id, scopes: ['*'] };
  }
}
