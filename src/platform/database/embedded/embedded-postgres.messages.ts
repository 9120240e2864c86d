/** What EmbeddedPostgres hands its worker thread as `workerData`. */
export interface EmbeddedPostgresWorkerData {
  /** Absolute path of the PGDATA directory. */
  readonly dataDir: string;
  /** Absolute path of the Unix socket to listen on (inside an owner-only directory). */
  readonly socketPath: string;
  /** Connections the socket server accepts at once (see EmbeddedPostgresOptions.maxConnections). */
  readonly maxConnections: number;
  /** PostgreSQL's `shared_buffers`, in MB. */
  readonly sharedBuffersMb: number;
  /**
   * One BigInt64 the worker keeps current without being asked: since when (epoch ms) the database has
   * been busy with a protocol message or an open transaction, 0 when idle. The host reads it while the
   * worker is blocked inside WASM, when the worker cannot answer anything.
   */
  readonly busySince: SharedArrayBuffer;
  /** Only when running from TypeScript sources: the worker file the in-memory loader compiles. */
  readonly entry?: string;
}

/** Messages from the worker thread to EmbeddedPostgres. */
export type WorkerToHostMessage =
  /** Listening on the Unix socket; `initialized` is true when this start created a new cluster. */
  | { readonly type: 'ready'; readonly initialized: boolean }
  /** One line PostgreSQL wrote to its server log. */
  | { readonly type: 'log'; readonly line: string }
  /** Start-up failed; the worker exits after sending this. */
  | { readonly type: 'failed'; readonly message: string; readonly code?: string }
  /** Socket server and database closed after a `stop`; the thread ends next. */
  | { readonly type: 'stopped' };

/** Messages from EmbeddedPostgres to its worker thread. */
export type HostToWorkerMessage = { readonly type: 'stop' };
