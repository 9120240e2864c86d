import { Injectable } from '@nestjs/common';
import { ToolFailedException, ToolNotFoundException } from '../../platform/errors/tool.exception';
import { ApiCustomer } from './rest.dto';
import { UpstreamCallError, UpstreamClient } from './upstream.client';
import { encodePathSegment } from './upstream-path';

/** What the service needs from the tool call. */
export interface CustomersApiCall {
  readonly signal: AbortSignal;
  readonly requestId: string;
  readonly tool: string;
}

/** The customers API behind API_BASE_URL: `GET /customers/{id}`. */
@Injectable()
export class CustomersApiService {
  constructor(private readonly upstream: UpstreamClient) {}

  /**
   * The customer, as the API answers it (the tool's output DTO keeps the declared fields). 404 is
   * `not_found`; timeouts, 5xx and an open circuit are `retry` (from the client); anything else `error`.
   */
  async getCustomer(id: number, call: CustomersApiCall): Promise<ApiCustomer> {
    const path = `/customers/${encodePathSegment(id, 'customer_id')}`;
    const response = await this.upstream.request({ method: 'GET', path, ...call });
    if (response.status === 404) throw new ToolNotFoundException(`Customer ${id} not found`);
    const body = response.body;
    if (response.status !== 200 || typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ToolFailedException('The customers API answered unexpectedly', {
        cause: new UpstreamCallError(`unexpected answer: HTTP ${response.status}, ${Array.isArray(body) ? 'array' : typeof body} body`, {
          method: 'GET',
          path,
          status: response.status,
        }),
      });
    }
    return body as ApiCustomer;
  }
}
