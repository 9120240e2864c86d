import { isFunctionNameAllowed } from './sql-function-policy';
import { SqlGuard } from './sql-guard';
import { SqlGuardParser } from './sql-guard-parser';

/** `SELECT 1+1+…+1`: a left-deep expression whose depth exhausts the native stack inside the parser. */
const STACK_BREAKER = `SELECT ${Array.from({ length: 20_000 }, () => '1').join('+')}`;

const INFORMATION_SCHEMA_DENIED = 'schema information_schema is not allowed; sql_list_tables and sql_describe_table describe the tables';

describe('SqlGuard', () => {
  let guard: SqlGuard;

  beforeAll(async () => {
    guard = await SqlGuard.create({ allowedSchemas: ['public', 'analytics'] });
  });

  describe('rejects', () => {
    it.each<[string, string]>([
      // More than one statement, whatever the first one is.
      ['SELECT 1; DROP TABLE canary', 'only one statement is allowed'],
      ['COMMIT; DROP TABLE canary', 'only one statement is allowed'],
      ['END; DROP TABLE canary', 'only one statement is allowed'],
      ['ROLLBACK; BEGIN READ WRITE; DROP TABLE canary', 'only one statement is allowed'],
      ['/* hi */ SELECT 1; DROP TABLE canary', 'only one statement is allowed'],
      ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; SELECT 1', 'only one statement is allowed'],
      // One statement that is not a SELECT.
      ['-- c\nDROP TABLE canary', 'only SELECT statements are allowed (got DROP)'],
      ["COPY (SELECT 1) TO PROGRAM 'true'", 'only SELECT statements are allowed (got COPY)'],
      ['EXPLAIN ANALYZE DELETE FROM canary', 'only SELECT statements are allowed (got EXPLAIN)'],
      ['EXPLAIN SELECT 1', 'only SELECT statements are allowed (got EXPLAIN)'],
      ['DO $$ BEGIN END $$', 'only SELECT statements are allowed (got DO)'],
      ['CALL p()', 'only SELECT statements are allowed (got CALL)'],
      ['SHOW ALL', 'only SELECT statements are allowed (got SHOW)'],
      ['SET statement_timeout = 0', 'only SELECT statements are allowed (got SET)'],
      ['RESET ALL', 'only SELECT statements are allowed (got RESET)'],
      ['BEGIN', 'only SELECT statements are allowed (got BEGIN)'],
      ['END', 'only SELECT statements are allowed (got COMMIT)'],
      ['DELETE FROM canary', 'only SELECT statements are allowed (got DELETE)'],
      ['WITH x AS (SELECT 1) DELETE FROM canary', 'only SELECT statements are allowed (got DELETE)'],
      ['CREATE TABLE t2 AS SELECT 1', 'only SELECT statements are allowed (got CREATE TABLE AS)'],
      ['VACUUM canary', 'only SELECT statements are allowed (got VACUUM)'],
      ["NOTIFY c, 'x'", 'only SELECT statements are allowed (got NOTIFY)'],
      // Data-modifying CTEs, at the top or nested.
      ['WITH d AS (DELETE FROM canary RETURNING *) SELECT * FROM d', 'data-modifying statements inside WITH are not allowed'],
      ['WITH u AS (UPDATE canary SET x=1 RETURNING *) SELECT 1', 'data-modifying statements inside WITH are not allowed'],
      ['WITH i AS (INSERT INTO canary VALUES (1) RETURNING *) SELECT 1', 'data-modifying statements inside WITH are not allowed'],
      [
        'WITH m AS (MERGE INTO canary USING src ON true WHEN MATCHED THEN DELETE RETURNING *) SELECT 1',
        'data-modifying statements inside WITH are not allowed',
      ],
      [
        'SELECT * FROM canary WHERE x = (WITH d AS (DELETE FROM canary RETURNING x) SELECT x FROM d)',
        'data-modifying statements inside WITH are not allowed',
      ],
      // SELECT INTO and row locks.
      ['SELECT * INTO t2 FROM canary', 'SELECT INTO is not allowed'],
      ['SELECT * INTO TEMP t2 FROM canary', 'SELECT INTO is not allowed'],
      ['SELECT * FROM canary FOR UPDATE', 'locking clauses (FOR UPDATE/SHARE) are not allowed'],
      ['SELECT * FROM canary FOR SHARE', 'locking clauses (FOR UPDATE/SHARE) are not allowed'],
      ['SELECT * FROM canary FOR NO KEY UPDATE SKIP LOCKED', 'locking clauses (FOR UPDATE/SHARE) are not allowed'],
      ['SELECT * FROM (SELECT * FROM canary FOR UPDATE) s', 'locking clauses (FOR UPDATE/SHARE) are not allowed'],
      // Denied functions, wherever they are called.
      ['SELECT pg_sleep(60)', 'function pg_sleep is not allowed'],
      ["SELECT pg_sleep_for('1 minute')", 'function pg_sleep_for is not allowed'],
      ["SELECT * FROM pg_read_file('/etc/passwd')", 'function pg_read_file is not allowed'],
      ["SELECT pg_read_binary_file('/etc/passwd')", 'function pg_read_binary_file is not allowed'],
      ["SELECT * FROM pg_ls_dir('.')", 'function pg_ls_dir is not allowed'],
      ["SELECT lo_import('/etc/hostname')", 'function lo_import is not allowed'],
      ["SELECT set_config('default_transaction_read_only','off',false)", 'function set_config is not allowed'],
      ["SELECT current_setting('password')", 'function current_setting is not allowed'],
      ['SELECT (SELECT pg_sleep(1))', 'function pg_sleep is not allowed'],
      ['SELECT * FROM canary WHERE id IN (SELECT pg_terminate_backend(1))', 'function pg_terminate_backend is not allowed'],
      ['SELECT 1 UNION SELECT pg_sleep(1)', 'function pg_sleep is not allowed'],
      ["SELECT dblink('x','y')", 'function dblink is not allowed'],
      ['SELECT public.lo_unlink(1)', 'function public.lo_unlink is not allowed'],
      ['SELECT pg_catalog.pg_sleep(1)', 'function pg_catalog.pg_sleep is not allowed'],
      ["SELECT nextval('s')", 'function nextval is not allowed'],
      ["SELECT query_to_xml('DELETE FROM canary RETURNING 1', true, true, '')", 'function query_to_xml is not allowed'],
      ['SELECT pg_backend_pid()', 'function pg_backend_pid is not allowed'],
      ["SELECT * FROM ROWS FROM (generate_series(1, 3), pg_ls_dir('.')) AS x", 'function pg_ls_dir is not allowed'],
      ['SELECT * FROM canary c, LATERAL (SELECT pg_sleep(1)) s', 'function pg_sleep is not allowed'],
      ['SELECT count(*) FILTER (WHERE pg_sleep(1) IS NULL) FROM canary', 'function pg_sleep is not allowed'],
      ['SELECT * FROM canary ORDER BY pg_advisory_lock(1)', 'function pg_advisory_lock is not allowed'],
      ['VALUES (pg_sleep(1))', 'function pg_sleep is not allowed'],
      ['SELECT U&"pg\\005fsleep"(1)', 'function pg_sleep is not allowed'],
      // Denied relations and schemas.
      ['SELECT * FROM pg_shadow', 'relation pg_shadow is not allowed'],
      ['SELECT * FROM pg_catalog.pg_authid', 'relation pg_catalog.pg_authid is not allowed'],
      ['SELECT * FROM "pg_shadow"', 'relation pg_shadow is not allowed'],
      ['SELECT * FROM U&"pg\\005fshadow"', 'relation pg_shadow is not allowed'],
      ['SELECT * FROM pg_largeobject', 'relation pg_largeobject is not allowed'],
      ['SELECT * FROM public.pg_roles', 'relation public.pg_roles is not allowed'],
      ['SELECT * FROM pg_stat_activity', 'relation pg_stat_activity is not allowed'],
      ['SELECT * FROM pg_settings', 'relation pg_settings is not allowed'],
      ['SELECT * FROM pg_catalog.pg_proc', 'relation pg_catalog.pg_proc is not allowed'],
      ['SELECT * FROM information_schema.user_mapping_options', 'relation information_schema.user_mapping_options is not allowed'],
      // Sampled column values of any readable table, function bodies, role names.
      ['SELECT most_common_vals FROM pg_stats', 'relation pg_stats is not allowed'],
      ["SELECT histogram_bounds FROM pg_catalog.pg_stats WHERE schemaname = 'secret'", 'relation pg_catalog.pg_stats is not allowed'],
      ['SELECT * FROM pg_stats_ext', 'relation pg_stats_ext is not allowed'],
      ['SELECT * FROM pg_catalog.pg_statistic', 'relation pg_catalog.pg_statistic is not allowed'],
      ['SELECT routine_definition FROM information_schema.routines', INFORMATION_SCHEMA_DENIED],
      ['SELECT role_name FROM information_schema.applicable_roles', INFORMATION_SCHEMA_DENIED],
      ['SELECT count(*) FROM information_schema.tables', INFORMATION_SCHEMA_DENIED],
      ['SELECT * FROM secret.t', 'schema secret is not allowed'],
      ['SELECT * FROM public.t JOIN secret.t USING (id)', 'schema secret is not allowed'],
      ['SELECT * FROM canary WHERE EXISTS (SELECT 1 FROM secret.t)', 'schema secret is not allowed'],
      ['WITH s AS (SELECT * FROM secret.t) SELECT * FROM s', 'schema secret is not allowed'],
      ['SELECT * FROM pg_toast.pg_toast_1', 'schema pg_toast is not allowed'],
      ["SELECT dblink.dblink('x', 'y')", 'schema dblink is not allowed'],
      ['SELECT * FROM canary TABLESAMPLE secret.sampler (10)', 'schema secret is not allowed'],
      ['SELECT 1 OPERATOR(secret.+) 2', 'schema secret is not allowed'],
      ['SELECT x FROM canary ORDER BY x USING OPERATOR(secret.<)', 'schema secret is not allowed'],
      ['SELECT $1::secret.money', 'schema secret is not allowed'],
      ['SELECT \'a\' COLLATE secret."C"', 'schema secret is not allowed'],
      // Parameters the server could never bind.
      ['SELECT $0', 'parameter $0 is out of range ($1 to $65535)'],
      ['SELECT $65536', 'parameter $65536 is out of range ($1 to $65535)'],
      // Empty, malformed or oversized input.
      ['', 'query is empty'],
      ['   \n\t  ', 'query is empty'],
      ['-- only a comment', 'query is empty'],
      [';', 'query is empty'],
      ['SELECT FROM WHERE', 'syntax error at or near "WHERE"'],
      ["SELECT 'unterminated", 'unterminated quoted string at or near "\'unterminated"'],
      ['SELECT (1', 'syntax error at end of input'],
      ['SELECT 1\0; DROP TABLE canary', 'query must not contain NUL characters'],
      [`SELECT '${'x'.repeat(200_000)}'`, 'query is too long (max 100000 characters)'],
    ])('%j', (sql, reason) => {
      expect(guard.check(sql)).toEqual({ ok: false, reason });
    });

    it('clips a parser message that quotes a long literal', () => {
      const result = guard.check(`SELECT '${'x'.repeat(5000)}`);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason.length).toBeLessThanOrEqual(201);
      expect(!result.ok && result.reason.startsWith('unterminated quoted string at or near')).toBe(true);
    });

    it('honours a custom length cap', async () => {
      const small = await SqlGuard.create({ allowedSchemas: ['public'], maxQueryLength: 10 });
      expect(small.check('SELECT 1 + 1')).toEqual({ ok: false, reason: 'query is too long (max 10 characters)' });
      expect(small.check('SELECT 1')).toEqual({ ok: true, parameterCount: 0, statement: 'SELECT 1' });
    });
  });

  describe('accepts', () => {
    it.each<[string, number]>([
      ['SELECT $$;DROP TABLE canary;$$', 0],
      ["SELECT 'pg_sleep(1); DROP TABLE canary' AS pg_sleep", 0],
      ['SELECT 1 -- trailing comment', 0],
      ['SELECT 1;', 0],
      ['WITH t AS (SELECT 1 AS x) SELECT * FROM t', 0],
      ['WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT sum(n) FROM r', 0],
      ['SELECT name, sum(amount) OVER (PARTITION BY customer_id ORDER BY created_at) FROM orders', 0],
      ['SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a), (b), ())', 0],
      ['SELECT a, b, count(*) FROM t GROUP BY ROLLUP (a, b)', 0],
      ['SELECT a, b, count(*) FROM t GROUP BY CUBE (a, b)', 0],
      ['SELECT * FROM orders TABLESAMPLE SYSTEM (10)', 0],
      ['SELECT * FROM orders TABLESAMPLE BERNOULLI (5) REPEATABLE (42)', 0],
      ['SELECT * FROM t WHERE a IS DISTINCT FROM b', 0],
      ['SELECT * FROM orders WHERE customer_id = $1::int AND tags && $2::text[]', 2],
      ['SELECT * FROM orders WHERE created_at >= $1::timestamptz AND note = $3 AND id = ANY($2::bigint[])', 3],
      ['SELECT $10::numeric', 10],
      ['SELECT count(*) FILTER (WHERE amount > 100) FROM orders', 0],
      [
        'SELECT c.name, o.total FROM customers c CROSS JOIN LATERAL (SELECT sum(amount) AS total FROM orders o WHERE o.customer_id = c.id) o',
        0,
      ],
      ['SELECT DISTINCT ON (customer_id) * FROM orders ORDER BY customer_id, created_at DESC', 0],
      ['VALUES (1), (2)', 0],
      ['TABLE customers', 0],
      ['SELECT * FROM public.customers', 0],
      ['SELECT * FROM analytics.events', 0],
      ["SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'", 0],
      ['SELECT indexdef FROM pg_indexes', 0],
      ['SELECT * FROM generate_series(1, 100000000)', 0],
      ['SELECT jsonb_agg(o) FROM orders o', 0],
      ["SELECT date_trunc('month', created_at), count(*) FROM orders GROUP BY 1", 0],
      ['SELECT coalesce(discount, 0), nullif(a, b), greatest(a, b), least(a, b) FROM orders', 0],
      ["SELECT now(), current_date, now() AT TIME ZONE 'UTC', extract(year FROM now())", 0],
      ['SELECT pg_typeof(1), pg_size_pretty(pg_total_relation_size($1::regclass))', 1],
      ["SELECT collation for ('x')", 0],
      [
        "SELECT upper(name), lower(name), substring(name FROM 1 FOR 3), trim(name), length(name), position('a' IN name), name || '!', concat_ws('-', a, b), split_part(email, '@', 2), regexp_replace(name, '\\s+', ' ', 'g') FROM customers",
        0,
      ],
      ['SELECT * FROM orders ORDER BY created_at DESC LIMIT 10 OFFSET 20', 0],
      ['SELECT * FROM orders ORDER BY amount DESC FETCH FIRST 5 ROWS WITH TIES', 0],
      ['SELECT id FROM a UNION ALL SELECT id FROM b', 0],
      ['SELECT id FROM a EXCEPT SELECT id FROM b', 0],
      ['SELECT id FROM a INTERSECT SELECT id FROM b', 0],
      ["SELECT * FROM JSON_TABLE('[1, 2]'::jsonb, '$[*]' COLUMNS (v int PATH '$')) AS jt", 0],
      ['SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END, a::pg_catalog.int8, b::information_schema.sql_identifier FROM t', 0],
      ['SELECT 1 OPERATOR(pg_catalog.+) 2', 0],
      ['SELECT name COLLATE "C" FROM customers ORDER BY 1', 0],
    ])('%j', (sql, parameterCount) => {
      expect(guard.check(sql)).toMatchObject({ ok: true, parameterCount });
    });
  });

  describe('parser traps', () => {
    it('rejects a query that exhausts the parser stack, then keeps working', () => {
      expect(guard.check(STACK_BREAKER)).toEqual({ ok: false, reason: 'query is too complex to check' });
      expect(guard.check('SELECT 1')).toMatchObject({ ok: true, parameterCount: 0 });
    });

    // A single shared instance (the package's own parseSync) fails every parse after about 30 such traps.
    it('replaces each trapped instance, so repeated traps cannot wear the parser down', async () => {
      const parser = await SqlGuardParser.create();
      for (let round = 0; round < 35; round++) {
        expect(parser.parse(STACK_BREAKER)).toEqual({ kind: 'crashed' });
        expect(parser.parse('SELECT a FROM t')).toMatchObject({ kind: 'parsed' });
        await parser.settled();
      }
    });

    it('answers "unavailable" until a replacement has loaded when traps outrun it', async () => {
      const parser = await SqlGuardParser.create();
      expect(parser.parse(STACK_BREAKER)).toEqual({ kind: 'crashed' });
      expect(parser.parse(STACK_BREAKER)).toEqual({ kind: 'crashed' });
      expect(parser.parse('SELECT 1')).toEqual({ kind: 'unavailable' });
      await parser.settled();
      expect(parser.parse('SELECT 1')).toMatchObject({ kind: 'parsed' });
    });
  });

  describe('statement', () => {
    it.each<[string, string]>([
      ['SELECT 1', 'SELECT 1'],
      ['SELECT 1;', 'SELECT 1'],
      ['SELECT 1 ; -- after', 'SELECT 1 '],
      ['/* before */ SELECT 1;', '             SELECT 1'],
      ['SELECT 1 -- trailing comment', 'SELECT 1 -- trailing comment'],
      ["SELECT 'é;' AS \"ü\" ;", "SELECT 'é;' AS \"ü\" "],
      ['SELECT $$;$$;', 'SELECT $$;$$'],
      [';SELECT 1', ' SELECT 1'],
      [' ; ;SELECT 1; ', '    SELECT 1'],
      ['/* é */;SELECT 1', '        SELECT 1'],
    ])('%j → %j (the text up to the end of its one statement)', (sql, statement) => {
      expect(guard.check(sql)).toMatchObject({ ok: true, statement });
    });
  });

  describe('extension functions', () => {
    let withExtensions: SqlGuard;

    beforeAll(async () => {
      withExtensions = await SqlGuard.create({
        allowedSchemas: ['public'],
        extensionFunctions: new Map([
          ['crosstab', 'tablefunc'],
          ['connectby', 'tablefunc'],
          ['get_raw_page', 'pageinspect'],
        ]),
      });
    });

    it.each<[string, string]>([
      ["SELECT * FROM crosstab('SELECT 1, 2, 3') AS t(a int, b int)", 'function crosstab belongs to extension tablefunc and is not allowed; see SQL_ALLOWED_EXTENSION_FUNCTIONS'],
      ["SELECT * FROM public.connectby('t', 'id', 'parent', '1', 0) AS t(id int, parent int, level int)", 'function connectby belongs to extension tablefunc and is not allowed; see SQL_ALLOWED_EXTENSION_FUNCTIONS'],
      ["SELECT length(get_raw_page('customers', 0))", 'function get_raw_page belongs to extension pageinspect and is not allowed; see SQL_ALLOWED_EXTENSION_FUNCTIONS'],
      ["SELECT * FROM secret.crosstab('SELECT 1')", 'schema secret is not allowed'],
    ])('%j → %s', (sql, reason) => {
      expect(withExtensions.check(sql)).toEqual({ ok: false, reason });
    });

    it('lets other functions through, and knows no extension function unless told', () => {
      expect(withExtensions.check('SELECT upper(name) FROM customers')).toMatchObject({ ok: true });
      expect(guard.check("SELECT * FROM crosstab('SELECT 1, 2, 3') AS t(a int, b int)")).toMatchObject({ ok: true });
    });
  });

  describe('create', () => {
    it.each<[string[], string]>([
      [[], 'allowedSchemas must list at least one schema'],
      [['public', 'pg_catalog'], 'allowedSchemas must not include the system schema pg_catalog'],
      [['information_schema'], 'allowedSchemas must not include the system schema information_schema'],
      [[''], 'allowedSchemas must hold non-empty names'],
    ])('refuses allowedSchemas %j', async (allowedSchemas, problem) => {
      await expect(SqlGuard.create({ allowedSchemas })).rejects.toThrow(`Invalid SqlGuard options: ${problem}`);
    });
  });
});

describe('isFunctionNameAllowed', () => {
  it.each<[string, boolean]>([
    ['pg_sleep', false],
    ['pg_sleep_until', false],
    ['lo_export', false],
    ['loread', false],
    ['table_to_xmlschema', false],
    ['pg_create_restore_point', false],
    ['pg_stat_get_activity', false],
    ['pg_typeof', true],
    ['count', true],
    ['generate_series', true],
    ['currval', true],
  ])('%s → %s', (name, allowed) => {
    expect(isFunctionNameAllowed(name)).toBe(allowed);
  });
});
