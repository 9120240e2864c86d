export type EmbeddedPostgresLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives everything EmbeddedPostgres has to say; map it onto the application logger. */
export type EmbeddedPostgresLogger = (
  level: EmbeddedPostgresLogLevel,
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Why the worker thread ended when nobody asked it to. */
export interface EmbeddedPostgresExit {
  readonly code: number;
  readonly error?: Error;
}

/**
 * Why the database was restarted: `crash`, its worker died on its own (restarted with backoff);
 * `requested`, `restart()` was called (the SQL tools do, to end a query that outlived its deadline).
 */
export type EmbeddedRestartReason = 'crash' | 'requested';

/** What the database is doing now, readable while its worker is blocked inside a query. */
export interface EmbeddedActivity {
  /** A worker serves the database (false while it is restarting or after it died). */
  readonly running: boolean;
  /** How long one protocol message or one open transaction has held the single session; absent when idle. */
  readonly busyMs?: number;
}
