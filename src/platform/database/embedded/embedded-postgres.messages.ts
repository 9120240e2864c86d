/** What EmbeddedPostgres hands its worker thread as `workerData`. */
export interface EmbeddedPostgresWorkerData {
  /** Absolute path of the PGDATA directory. */
  readonly dataDir: string;
  /** Loopback port to listen on; 0 lets the system choose. */
  readonly port: number;
  /** Connections the socket server accepts at once (see EmbeddedPostgresOptions.maxConnections). */
  readonly maxConnections: number;
  /** Only when running from TypeScript sources: the worker file the in-memory loader compiles. */
  readonly entry?: string;
}

/** Messages from the worker thread to EmbeddedPostgres. */
export type WorkerToHostMessage =
  /** Listening on 127.0.0.1:`port`; `initialized` is true when this start created a new cluster. */
  | { readonly type: 'ready'; readonly port: number; readonly initialized: boolean }
  /** One line PostgreSQL wrote to its server log. */
  | { readonly type: 'log'; readonly line: string }
  /** Start-up failed; the worker exits after sending this. */
  | { readonly type: 'failed'; readonly message: string; readonly code?: string }
  /** Socket server and database closed after a `stop`; the thread ends next. */
  | { readonly type: 'stopped' };

/** Messages from EmbeddedPostgres to its worker thread. */
export type HostToWorkerMessage = { readonly type: 'stop' };
