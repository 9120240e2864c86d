import { Module } from '@nestjs/common';
import { DiagnosticsTools } from './diagnostics.tools';

/** The `echo` tool: a connectivity check through the whole stack. */
@Module({ providers: [DiagnosticsTools] })
export class DiagnosticsModule {}
