import { Injectable } from '@nestjs/common';
import { McpToolOptions } from '../../platform/mcp/mcp-tool-options.interface';
import { ToolContext } from '../../platform/mcp/tool-context.interface';
import { CustomersApiService } from './customers-api.service';
import { ApiCustomer, GetCustomerInput } from './rest.dto';

/** A tool of this family: its options (as `@McpTool` would take them) and its handler. */
export interface RestToolEntry {
  readonly options: McpToolOptions;
  readonly source: string;
  readonly handler: (input: object, ctx: ToolContext) => unknown;
}

const UPSTREAM_READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

/**
 * The REST tools. Not an `@McpToolProvider()`: they exist only when API_BASE_URL is set, so
 * RestToolsRegistrar registers `entries()` at module init instead of the explorer finding them.
 */
@Injectable()
export class RestTools {
  constructor(private readonly customers: CustomersApiService) {}

  getCustomer(input: GetCustomerInput, ctx: ToolContext): Promise<ApiCustomer> {
    return this.customers.getCustomer(input.customer_id, { signal: ctx.signal, requestId: ctx.requestId, tool: 'get_customer' });
  }

  /** Every tool of the class with its options; `timeoutMs` is the upstream deadline plus a margin. */
  entries(timeoutMs: number): RestToolEntry[] {
    return [
      {
        options: {
          name: 'get_customer',
          title: 'Get a customer (customers API)',
          description:
            'Fetches one customer from the customers API by id: id, name, e-mail and creation time. ' +
            'Answers not_found when there is no such customer, retry when the API is slow or unavailable.',
          input: GetCustomerInput,
          output: ApiCustomer,
          annotations: UPSTREAM_READ,
          timeoutMs,
        },
        source: 'RestTools.getCustomer',
        handler: (input, ctx) => this.getCustomer(input as GetCustomerInput, ctx),
      },
    ];
  }
}
