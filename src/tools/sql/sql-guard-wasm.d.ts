/**
 * Types for the Emscripten factory inside `libpg-query` (the package ships types for its wrapper only).
 * Each call of the factory returns an independent PostgreSQL parser with its own WASM memory;
 * `SqlGuardParser` relies on that to throw away an instance that trapped.
 */
declare module 'libpg-query/wasm/libpg-query.js' {
  export interface PgQueryWasmModule {
    /** View of the WASM memory; replaced when the memory grows, so read it after every allocation. */
    readonly HEAPU8: Uint8Array;
    _malloc(size: number): number;
    _free(pointer: number): void;
    /** Returns a `PgQueryParseResult*`: `{ char *parse_tree; char *stderr_buffer; PgQueryError *error; }`. */
    _wasm_parse_query_raw(queryPointer: number): number;
    _wasm_free_parse_result(resultPointer: number): void;
    getValue(pointer: number, type: 'i32'): number;
    UTF8ToString(pointer: number): string;
  }

  export interface PgQueryWasmModuleOptions {
    /** Where the C code's stdout goes (by default the process's stdout, which belongs to JSON-RPC under stdio). */
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    /** Emscripten's hook to instantiate the WASM ourselves (from a module compiled once) and hand it back. */
    instantiateWasm?: (imports: object, receiveInstance: (instance: object) => void) => object;
  }

  const createPgQueryModule: (options?: PgQueryWasmModuleOptions) => Promise<PgQueryWasmModule>;
  export default createPgQueryModule;
}
