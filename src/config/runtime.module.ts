import { DynamicModule, Global, Module } from '@nestjs/common';
import { RUNTIME_OPTIONS, RuntimeOptions } from './runtime-options';

/** Makes the RuntimeOptions main.ts (or a test) chose available to every module. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [{ provide: RUNTIME_OPTIONS, useValue: options }],
      exports: [RUNTIME_OPTIONS],
    };
  }
}
