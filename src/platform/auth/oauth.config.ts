import { ConfigService } from '@nestjs/config';
import { Environment, OAuthAlgorithm } from '../../config/environment';

/** The OAuth resource server's settings, present only when OAUTH_ISSUER is set. */
export interface OAuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly scopesClaim: string;
  readonly algorithms: readonly OAuthAlgorithm[];
  readonly clockToleranceSeconds: number;
  readonly jwksCooldownMs: number;
}

export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

export function oauthConfigOf(config: ConfigService<Environment, true>): OAuthConfig | undefined {
  const issuer = config.get('OAUTH_ISSUER', { infer: true });
  const audience = config.get('OAUTH_AUDIENCE', { infer: true });
  if (!issuer || !audience) return undefined;
  return {
    issuer,
    audience,
    jwksUrl: config.get('OAUTH_JWKS_URL', { infer: true }),
    scopesClaim: config.get('OAUTH_SCOPES_CLAIM', { infer: true }),
    algorithms: config.get('OAUTH_ALGORITHMS', { infer: true }),
    clockToleranceSeconds: config.get('OAUTH_CLOCK_TOLERANCE_SECONDS', { infer: true }),
    jwksCooldownMs: config.get('OAUTH_JWKS_COOLDOWN_SECONDS', { infer: true }) * 1000,
  };
}

/**
 * RFC 9728 §3.1: the metadata URL of a resource inserts the well-known path between its host and its path
 * (`https://mcp.example.com/mcp` → `https://mcp.example.com/.well-known/oauth-protected-resource/mcp`). An audience
 * that is not an http(s) URL (Entra's `api://…`) gets the `/mcp` document of the host the request reached.
 */
export function resourceMetadataUrl(audience: string, requestOrigin: string): string {
  const resource = URL.canParse(audience) ? new URL(audience) : undefined;
  if (resource && (resource.protocol === 'https:' || resource.protocol === 'http:')) {
    const path = resource.pathname === '/' ? '' : resource.pathname.replace(/\/$/, '');
    return `${resource.origin}${PROTECTED_RESOURCE_METADATA_PATH}${path}`;
  }
  return `${requestOrigin}${PROTECTED_RESOURCE_METADATA_PATH}/mcp`;
}
