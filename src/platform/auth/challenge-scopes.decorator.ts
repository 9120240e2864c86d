import { SetMetadata } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';

/** Metadata key of `@ChallengeScopes()`. */
export const CHALLENGE_SCOPES = 'auth:challenge-scopes';

/** The scopes a request to this route needs, from its (already routed) request; none known: empty or undefined. */
export type ChallengeScopesOf = (req: Request, modules: ModuleRef) => readonly string[] | undefined;

/**
 * Names, in the route's 401 challenge (`scope="…"`, RFC 6750 §3; MCP authorization 2025-11-25), the scopes a
 * request needs, so that an OAuth client asks its authorization server for those and no more. Routes without it
 * name none: a client then falls back to the metadata's `scopes_supported`.
 */
export const ChallengeScopes = (of: ChallengeScopesOf): MethodDecorator => SetMetadata(CHALLENGE_SCOPES, of);
