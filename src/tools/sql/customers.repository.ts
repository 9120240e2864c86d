import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { DB_QUERY_DURATION_SECONDS } from './sql.metrics';

/** One row of a page of the ranking; `total_count` is repeated on every row (and alone when the page is empty). */
export interface TopCustomerRow {
  readonly total_count: number;
  readonly name: string | null;
  readonly total: string | null;
}

/**
 * Customers by the sum of their orders, highest first. Equal totals are ordered by name in byte order
 * (`COLLATE "C"`, the same on every server whatever its locale), then by id, so pages never overlap.
 * `total` is rounded to cents and sent as text (numeric is exact; a JS number is not). One statement:
 * the ranking is computed once and both the page and the count read it, with the count present even
 * when the page is past the end. Parameters travel apart from the text (extended protocol).
 */
export const TOP_CUSTOMERS_SQL = `
WITH totals AS (
  SELECT c.id, c.name, sum(o.amount) AS total
  FROM customers c
  JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.name
)
SELECT n.total_count, p.name, p.total
FROM (SELECT count(*)::int AS total_count FROM totals) n
LEFT JOIN LATERAL (
  SELECT t.id, t.name, round(t.total, 2)::text AS total, t.total AS exact_total
  FROM totals t
  ORDER BY t.total DESC, t.name COLLATE "C", t.id
  LIMIT $1 OFFSET $2
) p ON true
ORDER BY p.exact_total DESC, p.name COLLATE "C", p.id`;

/** The sample schema's customers and orders, through TypeORM's DataSource (the main connection). */
@Injectable()
export class CustomersRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectMetric(DB_QUERY_DURATION_SECONDS) private readonly duration: Histogram<string>,
  ) {}

  async topCustomers(limit: number, offset: number, signal: AbortSignal): Promise<TopCustomerRow[]> {
    // The driver cannot abandon a query half-way; at least do not start one for a call already over.
    signal.throwIfAborted();
    const stopTimer = this.duration.startTimer({ tool: 'get_top_customers' });
    try {
      return (await this.dataSource.query(TOP_CUSTOMERS_SQL, [limit, offset])) as TopCustomerRow[];
    } finally {
      stopTimer();
    }
  }
}
