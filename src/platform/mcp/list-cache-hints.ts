import type { ServerOptions } from '@modelcontextprotocol/server';

/** How long a 2026-07-28 client may reuse the lists fixed at boot (tools, prompts, templates, discover). */
export const BOOT_FIXED_LIST_TTL_MS = 60_000;

/**
 * `ttlMs`/`cacheScope` of the cacheable results of the 2026-07-28 revision (2025-era answers never carry them).
 * Every list is filtered by the caller's scopes, so every one is `private` (one authorization context). Tools,
 * prompts, resource templates and the discover answer change only with a deploy: a minute. `resources/list`
 * and `resources/read` are live data (documents ingested or deleted at any time): 0, fetch again.
 */
export const LIST_CACHE_HINTS: NonNullable<ServerOptions['cacheHints']> = {
  'tools/list': { ttlMs: BOOT_FIXED_LIST_TTL_MS, cacheScope: 'private' },
  'prompts/list': { ttlMs: BOOT_FIXED_LIST_TTL_MS, cacheScope: 'private' },
  'resources/templates/list': { ttlMs: BOOT_FIXED_LIST_TTL_MS, cacheScope: 'private' },
  'server/discover': { ttlMs: BOOT_FIXED_LIST_TTL_MS, cacheScope: 'private' },
  'resources/list': { ttlMs: 0, cacheScope: 'private' },
  'resources/read': { ttlMs: 0, cacheScope: 'private' },
};
