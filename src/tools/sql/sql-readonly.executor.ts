import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { FieldDef, Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DatabaseTarget, InjectDatabaseTarget } from '../../platform/database/database-target';
import { EmbeddedPostgres } from '../../platform/database/embedded/embedded-postgres';
import { poolOptions } from '../../platform/database/typeorm-options';
import { ToolRetryException } from '../../platform/errors/tool.exception';
import { leadingKeyword, withStatementSummary } from '../../platform/tracing/pg-statement';
import { sendCancelRequest } from './sql-cancel-request';
import { SqlConfig } from './sql.config';
import { isPostgresError, toSqlToolException } from './sql-errors';
import { cappedSql, probeSql, WrappedSql } from './sql-result-cap';
import { DB_QUERY_DURATION_SECONDS } from './sql.metrics';
import { ReadOnlyQuery, SqlColumn, SqlQueryResult } from './sql-query-result.interface';
import { COMMON_TYPE_NAMES, describeColumns, quoteIdent, rowsToObjects, SQL_RESULT_TYPES } from './sql-values';

/**
 * On a real server, statement_timeout ends the query and answers 57014; the client-side deadline waits this
 * much longer (the server's clock starts after the pool wait and BEGIN), and stays below the driver's own
 * `query_timeout` (the deadline + 1 s, see poolOptions) so that the deadline, not the driver, acts first.
 */
const SERVER_DEADLINE_GRACE_MS = 500;
/** Type names looked up in pg_type and kept (user types: enums, domains, composites). */
const MAX_CACHED_TYPE_NAMES = 10_000;

/** Why a query stopped before its answer: its deadline passed, or the tool call was aborted. */
class QueryInterrupted extends Error {
  constructor(readonly why: 'deadline' | 'aborted') {
    super(`query interrupted (${why})`);
  }
}

interface Interruption {
  /** Rejects with QueryInterrupted at the deadline or when the signal aborts; never resolves. */
  readonly promise: Promise<never>;
  dispose(): void;
}

function interruption(signal: AbortSignal, deadlineMs: number): Interruption {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueryInterrupted('deadline')), deadlineMs);
    onAbort = () => reject(new QueryInterrupted('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined); // only raced against; an unraced rejection is not an error
  return {
    promise,
    dispose: () => {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Reads up to `count` rows; the callback form also hands over the field descriptions. */
function readRows(cursor: Cursor<unknown[]>, count: number): Promise<{ rows: unknown[][]; fields: FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: (result as { fields?: FieldDef[] } | undefined)?.fields ?? [] });
    });
  });
}

/**
 * Runs a wrapped statement through a cursor and reads up to `count` rows. A server error's position is
 * moved back into the caller's statement (or dropped when it points into our wrapping).
 */
async function readWrapped(
  client: PoolClient,
  wrapped: WrappedSql,
  query: ReadOnlyQuery,
  count: number,
): Promise<{ rows: unknown[][]; fields: FieldDef[] }> {
  const cursor = client.query(new Cursor<unknown[]>(wrapped.text, [...query.params], { rowMode: 'array', types: SQL_RESULT_TYPES }));
  try {
    const read = await readRows(cursor, count);
    await cursor.close();
    return read;
  } catch (error) {
    if (isPostgresError(error)) unwrapPosition(error, wrapped.offset, query.sql.length);
    throw error;
  } finally {
    disarmReadTimeout(cursor);
  }
}

function unwrapPosition(error: { position?: string }, offset: number, length: number): void {
  if (error.position === undefined) return;
  const inStatement = Number(error.position) - offset;
  error.position = inStatement >= 1 && inStatement <= length ? String(inStatement) : undefined;
}

/**
 * pg arms its client-side `query_timeout` (set on the pools, see poolOptions) for a cursor too, but only
 * disarms it through the query's callback, which a cursor never calls: the timer would keep the cursor and
 * its rows alive until it fires. Calling the callback pg installed clears that timer (and does nothing else).
 */
function disarmReadTimeout(cursor: object): void {
  const armed = cursor as { callback?: unknown };
  if (typeof armed.callback === 'function') (armed.callback as () => void)();
}

/**
 * Runs one read-only statement and answers at most `maxRows` rows. The one path by which the SQL tools
 * (and the named-query catalog) reach the database:
 *
 * 1. a client from the SQL tools' pool: SQL_READONLY_URL's own pool when set, else the main pool;
 * 2. `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = …; SET LOCAL search_path = <allowed>, pg_temp`
 *    (our own text, built once from validated settings);
 * 3. the statement through a cursor, which always speaks the extended protocol (Parse/Bind/Execute, even
 *    without parameters): the server parses the text as ONE statement and refuses a second
 *    ("cannot insert multiple commands into a prepared statement"), and values travel apart from the text;
 * 4. `maxRows + 1` rows fetched (the extra one only tells `truncated`), the portal closed, `ROLLBACK`.
 *
 * Deadline (DB_QUERY_TIMEOUT_SECONDS) and the tool's signal: a real server ends the statement itself
 * (statement_timeout → 57014 → `retry`). If the deadline passes anyway, or the call is aborted, the client
 * sends a protocol CancelRequest (the backend stops at once instead of running on for nobody) and the
 * connection is destroyed rather than returned to the pool (a late cancel can never hit the next query).
 * The embedded database (PGlite) ignores statement_timeout and cancel requests and has a single session,
 * so there the deadline is enforced here: the worker is restarted (one restart at a time) and only then
 * is the connection given up, so that the next caller finds a working database; the answer is `retry`.
 */
@Injectable()
export class SqlReadOnlyExecutor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  /** Set when the tools run on the embedded database: deadlines are then enforced client-side. */
  private readonly embedded: EmbeddedPostgres | undefined;
  private readonly openTransaction: string;
  private readonly deadlineMs: number;
  private readonly typeNames = new Map<number, string>(COMMON_TYPE_NAMES);
  private recovering: Promise<void> | undefined;

  constructor(
    private readonly config: SqlConfig,
    dataSource: DataSource,
    @InjectDatabaseTarget() target: DatabaseTarget,
    @InjectMetric(DB_QUERY_DURATION_SECONDS) private readonly duration: Histogram<string>,
    @InjectPinoLogger(SqlReadOnlyExecutor.name) private readonly logger: PinoLogger,
  ) {
    if (config.readonlyUrl) {
      this.pool = new Pool({ connectionString: config.readonlyUrl, ...poolOptions(config.pool, false) });
      this.pool.on('error', (error) => this.logger.warn({ reason: error.message }, 'an idle SQL tools connection failed'));
      this.ownsPool = true;
    } else {
      this.pool = (dataSource.driver as PostgresDriver).master as Pool;
      this.ownsPool = false;
      this.embedded = target.embedded;
    }
    this.deadlineMs = config.queryTimeoutMs + (this.embedded ? 0 : SERVER_DEADLINE_GRACE_MS);
    const searchPath = [...config.allowedSchemas.map(quoteIdent), 'pg_temp'].join(', ');
    this.openTransaction =
      `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${config.queryTimeoutMs}; ` +
      `SET LOCAL work_mem = '${config.workMemKb}kB'; SET LOCAL search_path = ${searchPath}`;
  }

  /** Warns when the tools' role is a superuser: then only the parser check and READ ONLY stand in the way. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.embedded) {
      this.logger.info('the SQL tools run on the embedded database as its superuser (PGlite has no other roles); set DB_URL and SQL_READONLY_URL for least privilege');
      return;
    }
    try {
      const { rows } = await this.pool.query<{ role: string; superuser: boolean }>(
        'SELECT current_user AS role, rolsuper AS superuser FROM pg_catalog.pg_roles WHERE rolname = current_user',
      );
      const role = rows[0];
      if (role?.superuser) {
        this.logger.warn(
          { role: role.role },
          'the SQL tools connect as a SUPERUSER: create a read-only role and point SQL_READONLY_URL at it (README, "SQL tools and least privilege")',
        );
      } else {
        this.logger.info({ role: role?.role, separate_url: this.ownsPool }, 'the SQL tools connect as a role without superuser');
      }
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'could not check the SQL tools role at boot');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  /** Traced by a summary (`SELECT sql_query`), never by the caller's SQL text. */
  run(query: ReadOnlyQuery): Promise<SqlQueryResult> {
    return withStatementSummary(`${leadingKeyword(query.sql) ?? 'QUERY'} ${query.tool}`, () => this.execute(query));
  }

  private async execute(query: ReadOnlyQuery): Promise<SqlQueryResult> {
    query.signal.throwIfAborted();
    const stopTimer = this.duration.startTimer({ tool: query.tool });
    const interrupt = interruption(query.signal, this.deadlineMs);
    try {
      const client = await this.acquire(interrupt.promise);
      return await this.runOn(client, query, interrupt.promise);
    } catch (error) {
      if (error instanceof QueryInterrupted) {
        // Aborted: the platform has already answered the call (timed out or cancelled); let the abort through.
        if (error.why === 'aborted') throw query.signal.reason;
        throw new ToolRetryException(`The query ran longer than ${this.config.queryTimeoutSeconds} s`, 1, { cause: error });
      }
      throw toSqlToolException(error, this.config.queryTimeoutSeconds, query.field ?? 'sql', this.config);
    } finally {
      interrupt.dispose();
      stopTimer();
    }
  }

  /** A pool client, unless interrupted first (a client that arrives later goes straight back). */
  private async acquire(interrupted: Promise<never>): Promise<PoolClient> {
    const connecting = this.pool.connect();
    try {
      return await Promise.race([connecting, interrupted]);
    } catch (error) {
      if (error instanceof QueryInterrupted) connecting.then((late) => late.release(), () => undefined);
      throw error;
    }
  }

  private async runOn(client: PoolClient, query: ReadOnlyQuery, interrupted: Promise<never>): Promise<SqlQueryResult> {
    let connectionError: Error | undefined;
    // A checked-out client has no pool listener: without ours, a dropped connection would crash the process.
    const onError = (error: Error): void => {
      connectionError ??= error;
    };
    client.on('error', onError);
    const session = this.session(client, query);
    try {
      const result = await Promise.race([session, interrupted]);
      client.release(connectionError);
      return result;
    } catch (error) {
      if (error instanceof QueryInterrupted) {
        session.catch(() => undefined);
        await this.abandon(client, error);
      } else {
        // After a server error the session has rolled back and the connection is fine; after anything else it is not.
        const healthy = isPostgresError(error) && connectionError === undefined;
        client.release(healthy ? undefined : (connectionError ?? (error as Error)));
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
    }
  }

  private async session(client: PoolClient, query: ReadOnlyQuery): Promise<SqlQueryResult> {
    await client.query(this.openTransaction);
    try {
      const { fields } = await readWrapped(client, probeSql(query.sql), query, 1);
      const { rows } = await readWrapped(client, cappedSql(query.sql, fields, this.config, query.maxRows), query, query.maxRows + 1);
      const columns = await this.columnsOf(client, fields);
      const truncated = rows.length > query.maxRows;
      const kept = truncated ? rows.slice(0, query.maxRows) : rows;
      return {
        columns,
        rows: rowsToObjects(
          columns.map((column) => column.name),
          kept,
        ),
        row_count: kept.length,
        truncated,
      };
    } finally {
      await client.query('ROLLBACK');
    }
  }

  /** Column names and type names; OIDs not known yet are looked up once (inside the same transaction). */
  private async columnsOf(client: PoolClient, fields: readonly FieldDef[]): Promise<SqlColumn[]> {
    const unknown = [...new Set(fields.map((field) => field.dataTypeID).filter((oid) => !this.typeNames.has(oid)))];
    if (unknown.length === 0) return describeColumns(fields, (oid) => this.typeNames.get(oid));
    const { rows } = await client.query<{ oid: number; typname: string }>(
      'SELECT oid::int8::float8 AS oid, typname::text AS typname FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
      [unknown],
    );
    const found = new Map(rows.map((row) => [row.oid, row.typname]));
    if (this.typeNames.size < MAX_CACHED_TYPE_NAMES) for (const [oid, name] of found) this.typeNames.set(oid, name);
    return describeColumns(fields, (oid) => this.typeNames.get(oid) ?? found.get(oid));
  }

  /** Gives up a connection whose statement may still run: cancel it (server) or restart the database (embedded). */
  private async abandon(client: PoolClient, why: QueryInterrupted): Promise<void> {
    const broken = new Error(`SQL tools connection abandoned: ${why.why}`);
    if (this.embedded) {
      // Hold the connection (the pool's only one) until the new worker listens, so waiting callers get it.
      await this.recoverEmbedded(why.why);
      client.release(broken);
      return;
    }
    void sendCancelRequest(client).then((sent) => this.logger.debug({ sent, why: why.why }, 'cancel request for an abandoned query'));
    client.release(broken); // destroys the socket now: the connection is never reused
  }

  /** Restarts the embedded database's worker; concurrent callers share one restart. */
  private recoverEmbedded(why: string): Promise<void> {
    const embedded = this.embedded as EmbeddedPostgres;
    this.recovering ??= (async () => {
      this.logger.warn({ why }, 'restarting the embedded database to end an abandoned query (PGlite cannot cancel one)');
      try {
        await embedded.restart();
      } catch (error) {
        this.logger.error({ reason: (error as Error).message }, 'the embedded database did not restart');
      } finally {
        this.recovering = undefined;
      }
    })();
    return this.recovering;
  }
}
