import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider whose methods carry `@McpTool()`. Only marked providers are scanned.
 *
 * @example
 * @McpToolProvider()
 * @Injectable()
 * export class CustomerTools { ... }
 */
export const McpToolProvider = DiscoveryService.createDecorator<void>();
