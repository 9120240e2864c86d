import 'reflect-metadata';
import { loadEnvironment } from './config/load-environment';
import { bootFailureMessage } from './platform/lifecycle/boot-failure';
import { startTracingIfConfigured } from './platform/tracing/tracing-bootstrap';

/**
 * The entry point. Validates the configuration first, then starts tracing (when configured) before the
 * application is even loaded: the `pg` instrumentation patches `pg` as it is required, so nothing may require
 * it earlier. `--stdio` serves MCP over stdin/stdout, anything else HTTP.
 */
async function start(): Promise<void> {
  const stdio = process.argv.includes('--stdio');
  const terminal = stdio ? process.stderr.isTTY : process.stdout.isTTY;
  const environment = await loadEnvironment({ stdio, terminal });
  const tracing = await startTracingIfConfigured(environment);
  const { serve } = await import('./serve.js');
  await serve({ stdio, terminal, environment }, tracing);
}

/** One line on stderr (in stdio mode too), never a stack trace: what failed and what to do. */
start().catch((error: unknown) => {
  process.stderr.write(`${bootFailureMessage(error)}\n`);
  process.exit(1);
});
