import { randomBytes } from 'node:crypto';

/** A fresh API key of the shape operators are told to generate. */
export function createApiKey(): string {
  return randomBytes(24).toString('base64url');
}

/** A unique Redis key prefix, so concurrent test runs sharing one Redis never count each other's hits. */
export function createRedisPrefix(): string {
  return `mcp-test-${randomBytes(6).toString('hex')}`;
}
