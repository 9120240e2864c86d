import { Injectable } from '@nestjs/common';
import { McpPromptOptions, PromptContext, PromptOutput } from '../../platform/mcp/mcp-prompt-options.interface';
import { CustomersApiService } from './customers-api.service';
import { CustomerBriefArgs } from './rest-prompt.dto';

/** A prompt of this family: its options (as `@McpPrompt` would take them) and its handler. */
export interface RestPromptEntry {
  readonly options: McpPromptOptions;
  readonly source: string;
  readonly handler: (args: object, ctx: PromptContext) => unknown;
}

/**
 * The REST prompts. Like the tools, registered by RestToolsRegistrar only when API_BASE_URL is set (not an
 * `@McpToolProvider()`).
 */
@Injectable()
export class RestPrompts {
  constructor(private readonly customers: CustomersApiService) {}

  /** Fetches one customer, embeds the record and asks for a short account brief. */
  async customerBrief(args: CustomerBriefArgs, ctx: PromptContext): Promise<PromptOutput> {
    const id = Number(args.customer_id);
    const customer = await this.customers.getCustomer(id, { signal: ctx.signal, requestId: ctx.requestId, tool: 'customer_brief' });
    const record = { id: customer.id, name: customer.name, email: customer.email, ...(customer.created_at ? { created_at: customer.created_at } : {}) };
    return {
      description: `Brief on customer ${id}`,
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: `customers-api://customers/${id}`, mimeType: 'application/json', text: JSON.stringify(record, null, 2) } } },
        {
          role: 'user',
          content: {
            type: 'text',
            text:
              'Write a short brief on the customer above for an account manager: who they are, how to reach them and how long they have ' +
              'been a customer. Use only the record; where the SQL tools are available (get_top_customers, sql_query), you may look up ' +
              'their orders to add spending figures, saying where each figure comes from.',
          },
        },
      ],
    };
  }

  entries(): RestPromptEntry[] {
    return [
      {
        options: {
          name: 'customer_brief',
          title: 'Customer brief (customers API)',
          description: 'Fetches one customer from the customers API, embeds the record and asks for a short account brief.',
          arguments: CustomerBriefArgs,
        },
        source: 'RestPrompts.customerBrief',
        handler: (args, ctx) => this.customerBrief(args as CustomerBriefArgs, ctx),
      },
    ];
  }
}
