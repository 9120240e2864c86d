import { readFile } from 'node:fs/promises';
import createPgQueryModule, { type PgQueryWasmModule } from 'libpg-query/wasm/libpg-query.js';
import type { ParseResult } from 'libpg-query';

/** What one parse produced. */
export type SqlParseOutcome =
  /** The raw parse tree, exactly as PostgreSQL's own parser builds it. */
  | { readonly kind: 'parsed'; readonly tree: ParseResult }
  /** The parser rejected the text; `message` is PostgreSQL's own (`syntax error at or near "FROM"`). */
  | { readonly kind: 'rejected'; readonly message: string }
  /** The parser trapped (in practice: native stack exhausted by a very deep expression); instance replaced. */
  | { readonly kind: 'crashed' }
  /** Every instance trapped and none has been reloaded yet. */
  | { readonly kind: 'unavailable' };

// Offsets in the 32-bit WASM structs returned by `_wasm_parse_query_raw` (libpg_query's pg_query.h).
const RESULT_PARSE_TREE = 0;
const RESULT_ERROR = 8;
const ERROR_MESSAGE = 0;

const encoder = new TextEncoder();
const ignoreOutput = (): void => undefined;

/**
 * PostgreSQL's parser (libpg_query compiled to WASM), synchronous once created.
 *
 * Why not the package's own `parseSync`: it keeps one module-wide WASM instance, and a trap inside it (a
 * native stack overflow, which an 8 kB `SELECT NOT NOT … true` or `SELECT 1+1+…+1` triggers) unwinds
 * past the C code's memory contexts, error handlers and stack pointer. After about 30 such traps every
 * later parse fails ("table index is out of bounds"): a denial of service. Here an instance that throws
 * is thrown away at once, a warm spare takes its place synchronously, and a new spare is instantiated
 * in the background from the module compiled once (a few milliseconds).
 *
 * The query is encoded to UTF-8 the way the PostgreSQL driver encodes it (a lone surrogate becomes
 * U+FFFD), so the parser sees the same bytes the server will. It must not contain NUL: C would stop
 * reading there while the server would not.
 */
export class SqlGuardParser {
  private loading: Promise<void> | undefined;

  private constructor(
    private active: PgQueryWasmModule | undefined,
    private spare: PgQueryWasmModule | undefined,
  ) {}

  /** Loads two parser instances (one active, one spare). */
  static async create(): Promise<SqlGuardParser> {
    const [active, spare] = await Promise.all([loadInstance(), loadInstance()]);
    return new SqlGuardParser(active, spare);
  }

  parse(sql: string): SqlParseOutcome {
    if (sql.includes('\0')) throw new TypeError('the query must not contain NUL characters');
    const instance = this.active;
    if (instance === undefined) {
      this.refill();
      return { kind: 'unavailable' };
    }
    try {
      const raw = runParser(instance, encoder.encode(sql));
      if ('message' in raw) return { kind: 'rejected', message: raw.message };
      return { kind: 'parsed', tree: JSON.parse(raw.json) as ParseResult };
    } catch {
      this.retire(instance);
      return { kind: 'crashed' };
    }
  }

  /** Resolves once no instance is loading (for tests and health checks). */
  async settled(): Promise<void> {
    while (this.loading !== undefined) await this.loading;
  }

  private retire(instance: PgQueryWasmModule): void {
    if (this.active !== instance) return;
    this.active = this.spare;
    this.spare = undefined;
    this.refill();
  }

  /** Loads instances until there is an active one and a spare; a failed load is retried on the next parse. */
  private refill(): void {
    if (this.loading !== undefined || (this.active !== undefined && this.spare !== undefined)) return;
    let loaded = false;
    this.loading = loadInstance()
      .then((instance) => {
        loaded = true;
        if (this.active === undefined) this.active = instance;
        else this.spare = instance;
      })
      .catch(ignoreOutput)
      .finally(() => {
        this.loading = undefined;
        if (loaded) this.refill();
      });
  }
}

/** The slice of the global `WebAssembly` API used here (the project's TypeScript libs do not declare it). */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => object;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The parser's WASM, compiled once per process: a new instance then costs ~3 ms instead of ~10. */
let compiledModule: Promise<object> | undefined;

function compileOnce(): Promise<object> {
  compiledModule ??= readFile(require.resolve('libpg-query/wasm/libpg-query.wasm'))
    .then((bytes) => webAssembly.compile(bytes))
    .catch((error: unknown) => {
      compiledModule = undefined;
      throw error;
    });
  return compiledModule;
}

async function loadInstance(): Promise<PgQueryWasmModule> {
  const module = await compileOnce();
  return createPgQueryModule({
    print: ignoreOutput,
    printErr: ignoreOutput,
    // Synchronous, so that a failure rejects the factory's promise instead of leaving it pending.
    instantiateWasm(imports, receiveInstance) {
      receiveInstance(new webAssembly.Instance(module, imports));
      return {};
    },
  });
}

/** Runs the C parser; throws if the instance traps (the caller then discards it, so nothing is freed). */
function runParser(
  instance: PgQueryWasmModule,
  query: Uint8Array,
): { readonly json: string } | { readonly message: string } {
  const queryPointer = instance._malloc(query.length + 1);
  if (queryPointer === 0) throw new Error('WASM allocation failed');
  const heap = instance.HEAPU8;
  heap.set(query, queryPointer);
  heap[queryPointer + query.length] = 0;
  const resultPointer = instance._wasm_parse_query_raw(queryPointer);
  instance._free(queryPointer);
  if (resultPointer === 0) throw new Error('libpg_query returned no result');
  try {
    const errorPointer = instance.getValue(resultPointer + RESULT_ERROR, 'i32');
    if (errorPointer !== 0) {
      const messagePointer = instance.getValue(errorPointer + ERROR_MESSAGE, 'i32');
      return { message: messagePointer === 0 ? 'syntax error' : instance.UTF8ToString(messagePointer) };
    }
    const treePointer = instance.getValue(resultPointer + RESULT_PARSE_TREE, 'i32');
    if (treePointer === 0) throw new Error('libpg_query returned no parse tree');
    return { json: instance.UTF8ToString(treePointer) };
  } finally {
    instance._wasm_free_parse_result(resultPointer);
  }
}
