import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SkipThrottle } from '@nestjs/throttler';
import { PACKAGE_INFO } from '../../config/package-info';
import { ToolRegistry } from '../mcp/tool.registry';
import { OAuthTokenVerifier } from './oauth-token.verifier';
import { PROTECTED_RESOURCE_METADATA_PATH } from './oauth.config';
import { Public } from './public.decorator';

/** RFC 9728 §2: what a client needs to get a token for this server. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly resource_name: string;
}

/**
 * RFC 9728 Protected Resource Metadata, public, at the well-known path and at its `/mcp` form (the metadata
 * URL of the resource `https://host/mcp`). 404 while OAuth is off (no OAUTH_ISSUER).
 */
@Controller(PROTECTED_RESOURCE_METADATA_PATH.slice(1))
@Public()
@SkipThrottle()
export class OAuthMetadataController {
  constructor(
    private readonly oauth: OAuthTokenVerifier,
    private readonly modules: ModuleRef,
  ) {}

  @Get()
  @Header('Cache-Control', 'public, max-age=300')
  root(): ProtectedResourceMetadata {
    return this.metadata();
  }

  @Get('mcp')
  @Header('Cache-Control', 'public, max-age=300')
  mcp(): ProtectedResourceMetadata {
    return this.metadata();
  }

  private metadata(): ProtectedResourceMetadata {
    const config = this.oauth.config;
    if (!config) throw new NotFoundException();
    return {
      resource: config.audience,
      authorization_servers: [config.issuer],
      scopes_supported: this.scopes(),
      bearer_methods_supported: ['header'],
      resource_name: PACKAGE_INFO.name,
    };
  }

  /** Every scope some tool needs, sorted (the registry lives in the MCP module, resolved at request time). */
  private scopes(): string[] {
    const registry = this.modules.get(ToolRegistry, { strict: false });
    return [...new Set(registry.list().flatMap((tool) => tool.scopes))].sort();
  }
}
