import { Inject, Injectable } from '@nestjs/common';
import { FieldIssue, InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { SqlGuard } from './sql-guard';
import { SqlConfig } from './sql.config';
import { SqlQueryInput } from './sql.dto';
import { SqlQueryResult } from './sql-query-result.interface';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';

/** User SQL: checked by the parser policy, then run on the read-only path, capped at max_rows. */
@Injectable()
export class SqlQueryService {
  constructor(
    @Inject(SqlGuard) private readonly guard: SqlGuard,
    private readonly executor: SqlReadOnlyExecutor,
    private readonly config: SqlConfig,
  ) {}

  async query(input: SqlQueryInput, signal: AbortSignal): Promise<SqlQueryResult> {
    const issues: FieldIssue[] = [];
    const maxRows = input.max_rows ?? this.config.defaultMaxRows;
    if (maxRows > this.config.maxRowsLimit) {
      issues.push({ field: 'max_rows', message: `must not be greater than ${this.config.maxRowsLimit}` });
    }
    const verdict = this.guard.check(input.sql);
    if (!verdict.ok) {
      issues.push({ field: 'sql', message: verdict.reason });
    } else if (input.params.length !== verdict.parameterCount) {
      const expected = verdict.parameterCount === 0 ? 'no values (the query has no $n placeholders)' : `${verdict.parameterCount} value(s), one for each of $1 to $${verdict.parameterCount}`;
      issues.push({ field: 'params', message: `must hold ${expected}; got ${input.params.length}` });
    }
    if (issues.length > 0 || !verdict.ok) throw new InvalidArgumentsException(issues);
    return this.executor.run({ sql: verdict.statement, params: input.params, maxRows, signal, tool: 'sql_query' });
  }
}
