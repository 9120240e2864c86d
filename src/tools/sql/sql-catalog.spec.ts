import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtoJsonSchema } from '../../platform/mcp/dto-json-schema';
import { validateDto } from '../../platform/mcp/dto-validator';
import { isIsoDate, isIsoTimestamp, SQL_CATALOG_DEFAULT_MAX_LENGTH, sqlCatalogInputDto } from './sql-catalog-input.dto';
import { compileSqlCatalog, loadSqlCatalogFile, SqlCatalogTool } from './sql-catalog.loader';
import { parseSqlCatalog, SqlCatalogError, SqlCatalogQuery } from './sql-catalog.schema';
import { SqlGuard } from './sql-guard';

const EXAMPLE_FILE = 'examples/queries.yaml';
const EXAMPLE = readFileSync(join(__dirname, '..', '..', '..', EXAMPLE_FILE), 'utf8');
const LIMITS = { defaultMaxRows: 100, maxRowsLimit: 1000 };

/** A one-query catalog: `entry` is the YAML of the query's fields, indented under `- `. */
const catalog = (entry: string): string => `queries:\n  - ${entry.trim().split('\n').join('\n    ')}\n`;

const problemsOf = (text: string): readonly string[] => parseSqlCatalog(text, LIMITS).problems;

/** The one query of a catalog that must parse. */
function queryOf(text: string): SqlCatalogQuery {
  const { queries, problems } = parseSqlCatalog(text, LIMITS);
  expect(problems).toEqual([]);
  return queries[0];
}

describe('SQL catalog', () => {
  let guard: SqlGuard;

  beforeAll(async () => {
    guard = await SqlGuard.create({ allowedSchemas: ['public'] });
  });

  describe('parseSqlCatalog', () => {
    it('reads the example catalog: names, SQL rewritten to $n, parameters in declaration order, row caps', () => {
      const { queries, problems } = parseSqlCatalog(EXAMPLE, LIMITS);
      expect(problems).toEqual([]);
      expect(queries.map((query) => query.name)).toEqual(['orders_by_customer', 'monthly_revenue']);
      const [orders, revenue] = queries;
      expect(orders).toMatchObject({
        title: 'Orders of one customer',
        maxRows: 500,
        location: 'queries[0] (orders_by_customer)',
        statement: { names: ['customer_id', 'since', 'limit'] },
      });
      expect(orders.statement.sql).toContain('WHERE customer_id = $1 AND created_at >= $2');
      expect(orders.statement.sql).toContain('LIMIT $3');
      expect(orders.parameters).toEqual([
        { name: 'customer_id', type: 'integer', minimum: 1, optional: false, description: 'Id of the customer' },
        { name: 'since', type: 'date', default: '2024-01-01', optional: true, description: 'Only orders placed on or after this day (YYYY-MM-DD)' },
        { name: 'limit', type: 'integer', minimum: 1, maximum: 500, default: 50, optional: true, description: 'How many orders to return at most' },
      ]);
      expect(revenue.statement.names).toEqual(['from', 'to']);
      expect(revenue.statement.sql).toContain('created_at >= $1::date AND created_at < $2::date');
    });

    it('caps a query without max_rows at SQL_DEFAULT_MAX_ROWS, never above SQL_MAX_ROWS_LIMIT', () => {
      const text = catalog('name: q\ndescription: d\nsql: SELECT 1');
      expect(queryOf(text).maxRows).toBe(100);
      expect(parseSqlCatalog(text, { defaultMaxRows: 100, maxRowsLimit: 20 }).queries[0].maxRows).toBe(20);
    });

    it('accepts a query without parameters, a string parameter with every rule, and optional parameters', () => {
      const query = queryOf(
        catalog(`
name: find
description: Finds things
sql: SELECT * FROM t WHERE s = :s AND k = :kind AND (:flag IS NULL OR f = :flag) AND n < :n AND ts >= :at
parameters:
  s: { type: string, minLength: 2, maxLength: 20, pattern: '^[a-z]+$' }
  kind: { type: string, enum: [a, b] }
  flag: { type: boolean, optional: true }
  n: { type: number, minimum: -1.5, maximum: 2.5 }
  at: { type: timestamp }`),
      );
      expect(query.parameters.map((parameter) => [parameter.name, parameter.optional])).toEqual([
        ['s', false],
        ['kind', false],
        ['flag', true],
        ['n', false],
        ['at', false],
      ]);
      expect(query.statement.names).toEqual(['s', 'kind', 'flag', 'n', 'at']);
    });

    it.each<[string, string, string[]]>([
      ['YAML syntax errors, with the line', 'queries:\n  - name: a\n    name: b\n', ['YAML: Map keys must be unique at line 3, column 5']],
      ['a file that is not a mapping', '- a\n- b\n', ['the file must be a mapping with a "queries" list']],
      ['an empty file', '', ['the file must be a mapping with a "queries" list']],
      ['a missing or empty queries list', 'queries: []\nextra: 1\n', ['unknown top-level field "extra" (expected: queries)', 'queries must be a non-empty list of queries']],
      ['an entry that is not a mapping', 'queries:\n  - just text\n', ['queries[0]: must be a mapping (name, description, sql, parameters…)']],
      [
        'missing required fields',
        'queries:\n  - title: T\n',
        [
          'queries[0]: name is required',
          'queries[0]: description is required (what the tool does, written for the model)',
          'queries[0]: sql is required',
        ],
      ],
      [
        'a bad tool name, an empty title, unknown fields',
        catalog('name: Orders-By\ntitle: ""\ndescription: d\nsql: SELECT 1\nlimit: 3'),
        [
          'queries[0] (Orders-By): unknown field "limit" (expected: name, title, description, sql, parameters, max_rows)',
          'queries[0] (Orders-By): name must match ^[a-z][a-z0-9_]{0,63}$ (snake_case, at most 64 characters)',
          'queries[0] (Orders-By): title must be a non-empty string when given',
        ],
      ],
      [
        'a tool name longer than 64 characters',
        catalog(`name: ${'a'.repeat(65)}\ndescription: d\nsql: SELECT 1`),
        [`queries[0] (${'a'.repeat(65)}): name must match ^[a-z][a-z0-9_]{0,63}$ (snake_case, at most 64 characters)`],
      ],
      [
        'fields of the wrong type',
        'queries:\n  - { name: 7, description: [a], sql: "  " }\n',
        [
          'queries[0]: name must match ^[a-z][a-z0-9_]{0,63}$ (snake_case, at most 64 characters)',
          'queries[0]: description must be a non-empty string',
          'queries[0]: sql must be a non-empty string',
        ],
      ],
      ['max_rows above SQL_MAX_ROWS_LIMIT', catalog('name: q\ndescription: d\nsql: SELECT 1\nmax_rows: 1001'), ['queries[0] (q): max_rows must be an integer from 1 to 1000 (SQL_MAX_ROWS_LIMIT)']],
      ['max_rows that is not an integer', catalog('name: q\ndescription: d\nsql: SELECT 1\nmax_rows: 2.5'), ['queries[0] (q): max_rows must be an integer from 1 to 1000 (SQL_MAX_ROWS_LIMIT)']],
      [
        'an undeclared parameter and an unused one',
        catalog('name: q\ndescription: d\nsql: SELECT :until\nparameters:\n  since: { type: date }'),
        ['queries[0] (q): sql uses :until, which is not declared in parameters', 'queries[0] (q): parameters.since is declared but the sql never uses :since'],
      ],
      ['a positional parameter in the SQL', catalog('name: q\ndescription: d\nsql: SELECT $1'), ['queries[0] (q): sql: positional parameter $1 is not allowed: name it (:name) and declare it in parameters (line 1, column 8)']],
      ['an unterminated string in the SQL', catalog(`name: q\ndescription: d\nsql: "SELECT ':x"`), ['queries[0] (q): sql: unterminated string literal (line 1, column 8)']],
      ['parameters that are not a mapping', catalog('name: q\ndescription: d\nsql: SELECT 1\nparameters: [a]'), ['queries[0] (q): parameters must be a mapping of parameter name to its declaration']],
      [
        'bad parameter names (reported once, not also as undeclared)',
        catalog('name: q\ndescription: d\nsql: SELECT :Bad, :constructor\nparameters:\n  Bad: { type: integer }\n  constructor: { type: integer }'),
        [
          'queries[0] (q): parameters.Bad: the name must match ^[a-z][a-z0-9_]{0,62}$ (snake_case)',
          'queries[0] (q): parameters.constructor: "constructor" is reserved; choose another name',
        ],
      ],
      [
        'a parameter without a type, and an unknown type',
        catalog('name: q\ndescription: d\nsql: SELECT :a, :b\nparameters:\n  a: integer\n  b: { type: uuid }'),
        [
          'queries[0] (q): parameters.a must be a mapping with at least a type (integer, number, string, boolean, date, timestamp)',
          'queries[0] (q): parameters.b.type must be one of integer, number, string, boolean, date, timestamp',
        ],
      ],
      [
        'rules that do not fit the type, and unknown rules',
        catalog('name: q\ndescription: d\nsql: SELECT :a, :b\nparameters:\n  a: { type: date, minimum: 1 }\n  b: { type: integer, maximun: 5 }'),
        [
          'queries[0] (q): parameters.a.minimum is not allowed for a date parameter (allowed: type, description, default, optional)',
          'queries[0] (q): parameters.b.maximun is not a known field (allowed for integer: type, description, default, optional, minimum, maximum)',
        ],
      ],
      [
        'bad bounds',
        catalog('name: q\ndescription: d\nsql: SELECT :a, :b, :c\nparameters:\n  a: { type: integer, minimum: 1.5, maximum: x }\n  b: { type: number, minimum: 3, maximum: 2 }\n  c: { type: string, minLength: 5, maxLength: 2 }'),
        [
          'queries[0] (q): parameters.a.minimum must be an integer',
          'queries[0] (q): parameters.a.maximum must be an integer',
          'queries[0] (q): parameters.b: minimum (3) is greater than maximum (2)',
          'queries[0] (q): parameters.c: minLength (5) is greater than maxLength (2)',
        ],
      ],
      [
        'bad string rules',
        catalog("name: q\ndescription: d\nsql: SELECT :a, :b, :c\nparameters:\n  a: { type: string, pattern: '(' }\n  b: { type: string, enum: [] }\n  c: { type: string, enum: [x, x], maxLength: -1 }"),
        [
          'queries[0] (q): parameters.a.pattern is not a valid regular expression',
          'queries[0] (q): parameters.b.enum must be a non-empty list of strings',
          'queries[0] (q): parameters.c.maxLength must be a non-negative integer',
          'queries[0] (q): parameters.c.enum lists a value twice',
        ],
      ],
      [
        'a default together with optional, a null default, a bad optional and description',
        catalog("name: q\ndescription: d\nsql: SELECT :a, :b, :c\nparameters:\n  a: { type: integer, default: 1, optional: true }\n  b: { type: integer, default: null }\n  c: { type: integer, optional: 'yes', description: '' }"),
        [
          'queries[0] (q): parameters.a: give either a default or optional: true, not both (a default already makes it optional)',
          'queries[0] (q): parameters.b.default must not be null (use optional: true to pass NULL when absent)',
          'queries[0] (q): parameters.c.description must be a non-empty string',
          'queries[0] (q): parameters.c.optional must be true or false',
        ],
      ],
      [
        'the same tool name twice',
        'queries:\n  - { name: q, description: d, sql: SELECT 1 }\n  - { name: q, description: d, sql: SELECT 2 }\n',
        ['queries[1] (q): name "q" is already used by queries[0] (q)'],
      ],
    ])('reports %s', (_what, text, problems) => {
      expect(problemsOf(text)).toEqual(problems);
    });

    it('keeps the valid entries and reports only the broken ones', () => {
      const { queries, problems } = parseSqlCatalog(
        'queries:\n  - { name: good, description: d, sql: SELECT 1 }\n  - { name: bad, sql: SELECT 2 }\n',
        LIMITS,
      );
      expect(queries.map((query) => query.name)).toEqual(['good']);
      expect(problems).toEqual(['queries[1] (bad): description is required (what the tool does, written for the model)']);
    });
  });

  describe('sqlCatalogInputDto', () => {
    const query = queryOf(
      catalog(`
name: orders_page
description: d
sql: SELECT :customer_id, :since, :limit, :status, :code, :paid, :ratio, :at, :note
parameters:
  customer_id: { type: integer, minimum: 1, description: Customer id }
  since: { type: date, default: '2024-01-01' }
  limit: { type: integer, minimum: 1, maximum: 500, default: 50 }
  status: { type: string, enum: [open, paid], default: open }
  code: { type: string, pattern: '^[A-Z]{3}$', optional: true }
  paid: { type: boolean, default: false }
  ratio: { type: number, minimum: 0, maximum: 1, optional: true }
  at: { type: timestamp, optional: true }
  note: { type: string, minLength: 1, optional: true }`),
    );
    const Input = sqlCatalogInputDto(query);

    it('is a class named after the tool', () => {
      expect(Input.name).toBe('SqlCatalogOrdersPageInput');
    });

    it('has the JSON Schema of the declaration: types, bounds, formats, enums, defaults, required', () => {
      expect(dtoJsonSchema(Input)).toEqual({
        type: 'object',
        properties: {
          customer_id: { type: 'integer', minimum: 1, description: 'Customer id' },
          since: { type: 'string', format: 'date', default: '2024-01-01' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          status: { type: 'string', enum: ['open', 'paid'], default: 'open' },
          code: { type: 'string', maxLength: SQL_CATALOG_DEFAULT_MAX_LENGTH, pattern: '^[A-Z]{3}$' },
          paid: { type: 'boolean', default: false },
          ratio: { type: 'number', minimum: 0, maximum: 1 },
          at: { type: 'string', format: 'date-time' },
          note: { type: 'string', minLength: 1, maxLength: SQL_CATALOG_DEFAULT_MAX_LENGTH },
        },
        required: ['customer_id'],
        additionalProperties: false,
      });
    });

    it('fills defaults and leaves optional parameters out', async () => {
      const checked = await validateDto(Input, { customer_id: 7 });
      expect(checked).toEqual({ ok: true, value: expect.anything() });
      expect({ ...(checked as { value: object }).value }).toEqual({ customer_id: 7, since: '2024-01-01', limit: 50, status: 'open', paid: false });
    });

    it('accepts every type at its bounds and an explicit null for an optional parameter', async () => {
      const checked = await validateDto(Input, {
        customer_id: 1,
        since: '2024-02-29',
        limit: 500,
        status: 'paid',
        code: 'EUR',
        paid: true,
        ratio: 1,
        at: '2024-02-29T23:59:59.123456+02:00',
        note: null,
      });
      expect(checked.ok).toBe(true);
    });

    it.each<[string, Record<string, unknown>, { field: string; message: string }[]]>([
      [
        'a missing required parameter',
        {},
        [
          { field: 'customer_id', message: 'must be an integer number' },
          { field: 'customer_id', message: 'must not be less than 1' },
        ],
      ],
      [
        'an integer sent as a string',
        { customer_id: '7' },
        [
          { field: 'customer_id', message: 'must be an integer number' },
          { field: 'customer_id', message: 'must not be less than 1' },
        ],
      ],
      ['a fraction for an integer', { customer_id: 1.5 }, [{ field: 'customer_id', message: 'must be an integer number' }]],
      ['below the minimum', { customer_id: 0 }, [{ field: 'customer_id', message: 'must not be less than 1' }]],
      ['above the maximum', { customer_id: 1, limit: 501 }, [{ field: 'limit', message: 'must not be greater than 500' }]],
      [
        'null for a parameter with a default',
        { customer_id: 1, limit: null },
        [
          { field: 'limit', message: 'must be an integer number' },
          { field: 'limit', message: 'must not be less than 1' },
          { field: 'limit', message: 'must not be greater than 500' },
        ],
      ],
      ['a day that does not exist', { customer_id: 1, since: '2023-02-29' }, [{ field: 'since', message: 'must be a date written YYYY-MM-DD' }]],
      ['a timestamp for a date', { customer_id: 1, since: '2024-01-01T00:00:00Z' }, [{ field: 'since', message: 'must be a date written YYYY-MM-DD' }]],
      ['a value outside the enum', { customer_id: 1, status: 'void' }, [{ field: 'status', message: 'must be one of the following values: open, paid' }]],
      ['a string not matching the pattern', { customer_id: 1, code: 'eur' }, [{ field: 'code', message: 'must match /^[A-Z]{3}$/ regular expression' }]],
      ['a string longer than the default maxLength', { customer_id: 1, note: 'x'.repeat(1001) }, [{ field: 'note', message: 'must be shorter than or equal to 1000 characters' }]],
      ['a string for a boolean', { customer_id: 1, paid: 'yes' }, [{ field: 'paid', message: 'must be a boolean value' }]],
      ['a number out of range', { customer_id: 1, ratio: 1.01 }, [{ field: 'ratio', message: 'must not be greater than 1' }]],
      [
        'a timestamp with a bad hour',
        { customer_id: 1, at: '2024-01-01T24:00:00Z' },
        [{ field: 'at', message: 'must be an ISO 8601 timestamp (YYYY-MM-DD, optionally THH:MM[:SS[.ffffff]] and Z or ±HH:MM)' }],
      ],
      ['an unknown argument', { customer_id: 1, customer: 2 }, [{ field: 'customer', message: 'is not an accepted field' }]],
    ])('refuses %s, naming the field', async (_what, args, issues) => {
      expect(await validateDto(Input, args)).toEqual({ ok: false, issues });
    });
  });

  describe('date and timestamp checks', () => {
    it.each(['2024-01-31', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])('%s is a date', (value) => {
      expect(isIsoDate(value)).toBe(true);
    });
    it.each(['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '0000-01-01', '2024-1-1', '20240101', ' 2024-01-01', 2024, null])(
      '%p is not a date',
      (value) => {
        expect(isIsoDate(value)).toBe(false);
      },
    );
    it.each(['2024-01-31', '2024-01-31T10:00', '2024-01-31 10:00:59', '2024-01-31T10:00:00.5Z', '2024-01-31T10:00:00.123456-05:30', '2024-01-31T10:00+0100'])(
      '%s is a timestamp',
      (value) => {
        expect(isIsoTimestamp(value)).toBe(true);
      },
    );
    it.each(['2024-01-31T', '2024-01-31T10', '2024-01-31T10:60', '2024-01-31T10:00:60', '2024-02-30T10:00', '2024-01-31T10:00:00.1234567', 'now', '2024-W05-1'])(
      '%s is not a timestamp',
      (value) => {
        expect(isIsoTimestamp(value)).toBe(false);
      },
    );
  });

  describe('compileSqlCatalog', () => {
    const compile = (text: string): Promise<SqlCatalogTool[]> => compileSqlCatalog('catalog.yaml', text, { ...LIMITS, guard });

    it('compiles the example catalog: the guard accepts both queries', async () => {
      const tools = await compile(EXAMPLE);
      expect(tools.map((tool) => [tool.query.name, tool.input.name])).toEqual([
        ['orders_by_customer', 'SqlCatalogOrdersByCustomerInput'],
        ['monthly_revenue', 'SqlCatalogMonthlyRevenueInput'],
      ]);
    });

    it('fails with one error listing every problem of every entry, in file order, naming the file', async () => {
      const text = [
        'queries:',
        '  - { name: wipe, description: d, sql: DELETE FROM orders }',
        '  - { name: Bad-Name, description: d, sql: SELECT 1 }',
        '  - name: nap',
        '    description: d',
        '    sql: SELECT pg_sleep(:s)',
        '    parameters: { s: { type: integer, maximum: 5, default: 10 } }',
        '  - { name: late, description: d, sql: "SELECT * FROM orders WHERE created_at < :until" }',
        '  - { name: secrets, description: d, sql: SELECT * FROM pg_shadow }',
        '  - { name: two, description: d, sql: "SELECT 1; SELECT 2" }',
        '',
      ].join('\n');
      const error = await compile(text).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SqlCatalogError);
      expect((error as SqlCatalogError).problems).toEqual([
        'queries[0] (wipe): sql is refused by the SQL guard: only SELECT statements are allowed (got DELETE)',
        'queries[1] (Bad-Name): name must match ^[a-z][a-z0-9_]{0,63}$ (snake_case, at most 64 characters)',
        'queries[2] (nap): sql is refused by the SQL guard: function pg_sleep is not allowed',
        'queries[2] (nap): parameters.s.default must not be greater than 5',
        'queries[3] (late): sql uses :until, which is not declared in parameters',
        'queries[4] (secrets): sql is refused by the SQL guard: relation pg_shadow is not allowed',
        'queries[5] (two): sql is refused by the SQL guard: only one statement is allowed',
      ]);
      expect((error as Error).message).toBe(
        [
          'SQL catalog catalog.yaml (SQL_QUERIES_FILE) is invalid, 7 problems:',
          ...(error as SqlCatalogError).problems.map((problem) => `  - ${problem}`),
        ].join('\n'),
      );
    });

    it('checks each default against its own rules, with the validator message', async () => {
      const text = catalog("name: q\ndescription: d\nsql: SELECT :a, :b, :c\nparameters:\n  a: { type: date, default: '2024-02-30' }\n  b: { type: integer, default: '5' }\n  c: { type: string, enum: [x], default: y }");
      await expect(compile(text)).rejects.toMatchObject({
        problems: [
          'queries[0] (q): parameters.a.default must be a date written YYYY-MM-DD',
          'queries[0] (q): parameters.b.default must be an integer number',
          'queries[0] (q): parameters.c.default must be one of the following values: x',
        ],
      });
    });

    it('refuses a query the guard sees with other parameters than the scanner named', async () => {
      const scanner = { check: () => ({ ok: true as const, parameterCount: 2, statement: 'SELECT $1' }) };
      await expect(
        compileSqlCatalog('catalog.yaml', catalog('name: q\ndescription: d\nsql: SELECT :a\nparameters: { a: { type: integer } }'), { ...LIMITS, guard: scanner }),
      ).rejects.toMatchObject({
        problems: [`queries[0] (q): sql: PostgreSQL's parser sees 2 parameter(s) where 1 were named; check the quoting around the :names`],
      });
    });

    it('says "1 problem" for one', async () => {
      await expect(compile('queries: []')).rejects.toThrow('SQL catalog catalog.yaml (SQL_QUERIES_FILE) is invalid, 1 problem:\n  - queries must be a non-empty list of queries');
    });
  });

  describe('loadSqlCatalogFile', () => {
    it('reads a path relative to the working directory', async () => {
      const tools = await loadSqlCatalogFile(EXAMPLE_FILE, { ...LIMITS, guard });
      expect(tools).toHaveLength(2);
    });

    it('fails clearly when the file is missing or a directory', async () => {
      await expect(loadSqlCatalogFile('examples/missing.yaml', { ...LIMITS, guard })).rejects.toThrow(
        'SQL catalog examples/missing.yaml (SQL_QUERIES_FILE) is invalid, 1 problem:\n  - the file does not exist (a relative path is read from the working directory)',
      );
      await expect(loadSqlCatalogFile('examples', { ...LIMITS, guard })).rejects.toThrow('the path is a directory, not a YAML file');
    });
  });
});
