import { TestEnvironment } from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';

/** Typed arrays a native addon (onnxruntime-node) creates in Node's own realm and then checks with `instanceof`. */
const NATIVE_TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'BigInt64Array', 'Int32Array'] as const;

/**
 * Jest's node environment, except that the test realm uses Node's own constructors for the typed arrays above.
 * Jest runs each test file in a realm of its own, so onnxruntime's `data instanceof Float32Array` check fails on
 * the arrays its native part created in Node's realm (never in the server, which has one realm).
 */
export default class NodeEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const realm = this.global as Record<string, unknown>;
    for (const name of NATIVE_TYPED_ARRAYS) realm[name] = globalThis[name];
  }
}
