import { Injectable } from '@nestjs/common';
import { ToolFailedException } from '../../platform/errors/tool.exception';
import { toSqlToolException } from './sql-errors';
import { SqlConfig } from './sql.config';
import { TopCustomersInput, TopCustomersOutput } from './sql.dto';
import { CustomersRepository } from './customers.repository';

/** The top-customers ranking, one page at a time. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly config: SqlConfig,
  ) {}

  async top(input: TopCustomersInput, signal: AbortSignal): Promise<TopCustomersOutput> {
    let rows;
    try {
      rows = await this.customers.topCustomers(input.limit, input.offset, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason; // the platform has already answered
      // Our own statement: only a timeout or an unreachable database is worth a retry; nothing is the caller's fault.
      const mapped = toSqlToolException(error, this.config.queryTimeoutSeconds);
      throw mapped.status === 'retry' ? mapped : new ToolFailedException('The customer ranking failed', { cause: error });
    }
    return {
      customers: rows.filter((row) => row.name !== null).map((row) => ({ name: row.name as string, total: row.total as string })),
      limit: input.limit,
      offset: input.offset,
      total_count: rows[0]?.total_count ?? 0,
    };
  }
}
