import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { PoolSettings, poolSettingsFrom } from '../../platform/database/typeorm-options';

/** The SQL family's settings, read once from the validated environment. */
@Injectable()
export class SqlConfig {
  /** Schemas the tools may read, in search_path order (validated lower-case identifiers). */
  readonly allowedSchemas: readonly string[];
  /** Rows `sql_query` answers when the caller does not say (never above `maxRowsLimit`). */
  readonly defaultMaxRows: number;
  /** The most rows `sql_query` ever answers. */
  readonly maxRowsLimit: number;
  /** Deadline of one query (DB_QUERY_TIMEOUT_SECONDS), in whole milliseconds. */
  readonly queryTimeoutMs: number;
  readonly queryTimeoutSeconds: number;
  /** A separate (read-only) role for the SQL tools, when set. */
  readonly readonlyUrl: string | undefined;
  /** Pool settings shared with the main database pool (for SQL_READONLY_URL's own pool). */
  readonly pool: PoolSettings;

  constructor(config: ConfigService<Environment, true>) {
    this.allowedSchemas = [...new Set(config.get('SQL_ALLOWED_SCHEMAS', { infer: true }))];
    this.maxRowsLimit = config.get('SQL_MAX_ROWS_LIMIT', { infer: true });
    this.defaultMaxRows = Math.min(config.get('SQL_DEFAULT_MAX_ROWS', { infer: true }), this.maxRowsLimit);
    this.queryTimeoutSeconds = config.get('DB_QUERY_TIMEOUT_SECONDS', { infer: true });
    this.queryTimeoutMs = Math.max(1, Math.round(this.queryTimeoutSeconds * 1000));
    this.readonlyUrl = config.get('SQL_READONLY_URL', { infer: true }) || undefined;
    this.pool = poolSettingsFrom(config);
  }
}
