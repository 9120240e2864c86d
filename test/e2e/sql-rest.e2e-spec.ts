import { DataSource } from 'typeorm';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { bearer, createTestApp, TestApp } from '../support/test-app';

/** The SQL tools through the REST facade of the whole application, on the real PostgreSQL (TEST_DB_URL). */
describe('SQL tools through the REST facade', () => {
  let t: TestApp;
  let key: Record<string, string>;

  beforeAll(async () => {
    // SqlToolsModule is part of AppModule; a short query deadline to see `retry` become 503 quickly.
    t = await createTestApp({ DB_QUERY_TIMEOUT_SECONDS: '1' }, { imports: [] });
    key = bearer(t.primaryKey);
    await seedSampleData(t.app.get(DataSource));
  }, 60_000);
  afterAll(() => t.close());

  it('lists the four SQL tools in GET /v1/tools', async () => {
    const res = await t.http.get('/v1/tools').set(key).expect(200);
    const names = (res.body.tools as { name: string }[]).map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['get_top_customers', 'sql_describe_table', 'sql_list_tables', 'sql_query']));
  });

  it('POST /v1/tools/sql_query answers 200 with columns, rows, row_count and truncated', async () => {
    const res = await t.http
      .post('/v1/tools/sql_query')
      .set(key)
      .send({ sql: 'SELECT id, name FROM customers WHERE id <= $1::int ORDER BY id', params: [3], max_rows: 2 })
      .expect(200);
    expect(res.body).toEqual({
      columns: [
        { name: 'id', type: 'int4' },
        { name: 'name', type: 'text' },
      ],
      rows: [
        { id: 1, name: 'Ada Lovelace' },
        { id: 2, name: 'Grace Lovelace' },
      ],
      row_count: 2,
      truncated: true,
    });
  });

  it('POST /v1/tools/get_top_customers answers a page of the ranking', async () => {
    const res = await t.http.post('/v1/tools/get_top_customers').set(key).send({ limit: 3, offset: 1 }).expect(200);
    expect(res.body).toMatchObject({ limit: 3, offset: 1, total_count: expect.any(Number) });
    expect(res.body.customers).toHaveLength(3);
    const totals = (res.body.customers as { total: string }[]).map((customer) => Number(customer.total));
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
  });

  it('answers an escape attempt 400, naming the field and the reason, and audits it as invalid', async () => {
    const res = await t.http
      .post('/v1/tools/sql_query')
      .set(key)
      .set('X-Request-ID', 'sql-rest-escape-1')
      .send({ sql: 'SELECT 1; DROP TABLE customers' })
      .expect(400);
    expect(res.body).toMatchObject({
      status: 'invalid',
      issues: [{ field: 'sql', message: 'only one statement is allowed' }],
      request_id: 'sql-rest-escape-1',
    });
    const audit = t.logs.entries().find((entry) => entry.audit === true && entry.request_id === 'sql-rest-escape-1');
    expect(audit).toMatchObject({ tool: 'sql_query', door: 'rest', outcome: 'invalid' });
  });

  it('answers 400 for get_top_customers with limit 0 and 404 for an unknown table', async () => {
    const bad = await t.http.post('/v1/tools/get_top_customers').set(key).send({ limit: 0 }).expect(400);
    expect(bad.body.issues).toEqual([{ field: 'limit', message: 'must not be less than 1' }]);
    const missing = await t.http.post('/v1/tools/sql_describe_table').set(key).send({ table: 'nope' }).expect(404);
    expect(missing.body).toMatchObject({ status: 'not_found', error: 'Table nope does not exist in schema public' });
  });

  it('answers a query past its deadline 503 with Retry-After, without driver details', async () => {
    const res = await t.http
      .post('/v1/tools/sql_query')
      .set(key)
      .send({ sql: 'SELECT count(*) FROM customers a, customers b, customers c, customers d' })
      .expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 'retry', error: 'The query ran longer than 1 s' });
    expect(JSON.stringify(res.body)).not.toMatch(/postgres:|canceling statement|57014/);
    await t.http.post('/v1/tools/sql_query').set(key).send({ sql: 'SELECT 1 AS one' }).expect(200, {
      columns: [{ name: 'one', type: 'int4' }],
      rows: [{ one: 1 }],
      row_count: 1,
      truncated: false,
    });
  }, 15_000);
});
