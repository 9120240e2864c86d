import { DiscoveryService } from '@nestjs/core';

/** What `@McpToolProvider({...})` declares about all the tools of a class. */
export interface McpToolProviderOptions {
  /**
   * The tool family (`[a-z][a-z0-9_-]*`): its tools need `<family>:read` when read-only, `<family>:write`
   * otherwise, unless `@McpTool({ scopes })` says. Without a family, tools need no scope unless they declare one.
   */
  readonly family?: string;
}

/**
 * Marks a provider whose methods carry `@McpTool()`. Only marked providers are scanned.
 *
 * @example
 * @McpToolProvider({ family: 'crm' })
 * @Injectable()
 * export class CustomerTools { ... }
 */
export const McpToolProvider = DiscoveryService.createDecorator<McpToolProviderOptions | undefined>();
