import { makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const DB_QUERY_DURATION_SECONDS = 'db_query_duration_seconds';

/** Time of each database query the SQL tools run (connection wait included), by tool. */
export const sqlMetrics = [
  makeHistogramProvider({
    name: DB_QUERY_DURATION_SECONDS,
    help: 'Duration of the SQL tools\' database queries in seconds (pool wait included), by tool',
    labelNames: ['tool'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
];
