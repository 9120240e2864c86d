import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { PoolSettings, poolSettingsFrom } from '../../platform/database/typeorm-options';
import { ResultCaps } from './sql-result-cap';

/** The SQL family's settings, read once from the validated environment. */
@Injectable()
export class SqlConfig implements ResultCaps {
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
  /** The most bytes one result may take on the wire (SQL_MAX_RESULT_BYTES); PostgreSQL stops a larger one. */
  readonly maxResultBytes: number;
  /** The most bytes one field may take (SQL_MAX_FIELD_BYTES, at most maxResultBytes). */
  readonly maxFieldBytes: number;
  /** `work_mem` of the tools' transactions, in kB (SQL_WORK_MEM_KB). */
  readonly workMemKb: number;
  /** Extension functions the guard lets through although they belong to an extension (lower-case names). */
  readonly allowedExtensionFunctions: readonly string[];
  /** Pool settings shared with the main database pool (for SQL_READONLY_URL's own pool). */
  readonly pool: PoolSettings;

  constructor(config: ConfigService<Environment, true>) {
    this.allowedSchemas = [...new Set(config.get('SQL_ALLOWED_SCHEMAS', { infer: true }))];
    this.maxRowsLimit = config.get('SQL_MAX_ROWS_LIMIT', { infer: true });
    this.defaultMaxRows = Math.min(config.get('SQL_DEFAULT_MAX_ROWS', { infer: true }), this.maxRowsLimit);
    this.queryTimeoutSeconds = config.get('DB_QUERY_TIMEOUT_SECONDS', { infer: true });
    this.queryTimeoutMs = Math.max(1, Math.round(this.queryTimeoutSeconds * 1000));
    this.readonlyUrl = config.get('SQL_READONLY_URL', { infer: true }) || undefined;
    this.maxResultBytes = config.get('SQL_MAX_RESULT_BYTES', { infer: true });
    this.maxFieldBytes = config.get('SQL_MAX_FIELD_BYTES', { infer: true });
    this.workMemKb = config.get('SQL_WORK_MEM_KB', { infer: true });
    this.allowedExtensionFunctions = [...new Set(config.get('SQL_ALLOWED_EXTENSION_FUNCTIONS', { infer: true }))];
    this.pool = poolSettingsFrom(config);
  }
}
