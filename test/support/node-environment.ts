import { AsyncLocalStorage } from 'node:async_hooks';
import { TestEnvironment } from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';

/** Typed arrays a native addon (onnxruntime-node) creates in Node's own realm and then checks with `instanceof`. */
const NATIVE_TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'BigInt64Array', 'Int32Array'] as const;

interface StoragePrivate {
  enabled: boolean;
  _enable(): void;
}

// One set per process, kept on the prototype, should this module ever be loaded twice.
const TRACKED = Symbol.for('mcp-tool-server.test.enabled-async-local-storages');
const prototype = AsyncLocalStorage.prototype as unknown as StoragePrivate & { [TRACKED]?: Set<AsyncLocalStorage<unknown>> };
// Node 20's storage enables itself through `_enable()` (on its first run/enterWith); a Node without it keeps no such list.
if (typeof prototype._enable === 'function' && !prototype[TRACKED]) {
  const tracked = new Set<AsyncLocalStorage<unknown>>();
  const enable = prototype._enable;
  prototype._enable = function (this: StoragePrivate & AsyncLocalStorage<unknown>): void {
    if (!this.enabled) tracked.add(this);
    enable.call(this);
  };
  prototype[TRACKED] = tracked;
}
/**
 * Every AsyncLocalStorage that started tracking contexts while the current test file ran. Node 20 keeps an enabled
 * storage in a process-wide list until `disable()`, and every async resource created afterwards (each promise) is
 * stamped once per listed storage. Each test file brings new ones that nothing disables: jest-circus's own test
 * context (one per file), nestjs-pino's request context (one per file that serves HTTP), oidc-provider's... Over a
 * 129-file run in one process the list grows to hundreds and every await pays for all of them (measured: awaiting
 * 300k promises takes 35 ms with none enabled, 4 s with 50), which made the last suites up to 1.8x slower.
 */
const enabledDuringFile: Set<AsyncLocalStorage<unknown>> = prototype[TRACKED] ?? new Set();

/**
 * Jest's node environment, except that the test realm uses Node's own constructors for the typed arrays above.
 * Jest runs each test file in a realm of its own, so onnxruntime's `data instanceof Float32Array` check fails on
 * the arrays its native part created in Node's realm (never in the server, which has one realm).
 * At the end of each file it disables the AsyncLocalStorage instances the file enabled (see `enabledDuringFile`):
 * nothing of that file uses them any more, and left enabled they slow every later file down.
 */
export default class NodeEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const realm = this.global as Record<string, unknown>;
    for (const name of NATIVE_TYPED_ARRAYS) realm[name] = globalThis[name];
  }

  override async teardown(): Promise<void> {
    await super.teardown();
    for (const storage of enabledDuringFile) storage.disable();
    enabledDuringFile.clear();
  }
}
