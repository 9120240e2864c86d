import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const EMBEDDED_DATABASE_RESTARTS_TOTAL = 'embedded_database_restarts_total';

/** `embedded_database_restarts_total{reason}`: `crash` (the worker died on its own) or `requested` (restart()). */
export const embeddedRestartsCounter = makeCounterProvider({
  name: EMBEDDED_DATABASE_RESTARTS_TOTAL,
  help: 'Restarts of the embedded database worker, by reason (crash: it died on its own; requested: a query outlived its deadline)',
  labelNames: ['reason'],
});
