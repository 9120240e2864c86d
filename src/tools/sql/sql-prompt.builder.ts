import { PromptOutput } from '../../platform/mcp/mcp-prompt-options.interface';
import { SqlTableDescription } from './sql.dto';

/** Tables whose schema one write_query prompt holds. */
export const MAX_WRITE_QUERY_TABLES = 20;
/** Above this planner estimate a table is "large": the suggestions insist on LIMIT and indexed filters. */
const LARGE_TABLE_ROWS = 100_000;

/** A PostgreSQL identifier, quoted (`"order"`, `"a""b"`). */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const qualified = (table: { schema: string; name: string }): string => `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;

/** The URI a table's description is embedded under. */
export const tableUri = (table: { schema: string; name: string }): string => `sql://tables/${encodeURIComponent(table.schema)}/${encodeURIComponent(table.name)}`;

/** A few read-only queries that are safe on this table: bounded, filtering on indexed columns, joining by its keys. */
export function safeQueries(table: SqlTableDescription): string[] {
  const from = qualified(table);
  const shown = table.columns.slice(0, 8).map((c) => quoteIdent(c.name)).join(', ') || '*';
  const queries = [`SELECT ${shown} FROM ${from} LIMIT 20`];
  const key = table.primary_key[0];
  if (key) queries.push(`SELECT * FROM ${from} WHERE ${quoteIdent(key)} = $1`);
  for (const foreign of table.foreign_keys.slice(0, 3)) {
    const on = foreign.columns.map((column, i) => `t.${quoteIdent(column)} = r.${quoteIdent(foreign.referenced_columns[i] ?? column)}`).join(' AND ');
    queries.push(`SELECT t.*, r.* FROM ${from} t JOIN ${quoteIdent(foreign.referenced_schema)}.${quoteIdent(foreign.referenced_table)} r ON ${on} LIMIT 20`);
  }
  queries.push(`SELECT count(*) FROM ${from}`);
  return queries;
}

export function exploreTablePrompt(table: SqlTableDescription): PromptOutput {
  const large = (table.row_estimate ?? 0) > LARGE_TABLE_ROWS;
  const indexed = table.indexes.map((index) => index.name).join(', ') || 'none';
  const text = [
    `The embedded resource above describes the ${table.kind} ${table.schema}.${table.name} (about ${table.row_estimate ?? 'an unknown number of'} rows).`,
    'Explain in a few sentences what it holds and how it relates to other tables (its foreign keys), then propose three to five',
    'useful read-only questions about it, each with the query to run through the sql_query tool. Queries must be one SELECT,',
    'pass values as $1, $2 … parameters (never inline them), and stay bounded with LIMIT' +
      (large ? ', filtering on indexed columns: this table is large.' : '.'),
    `Indexes: ${indexed}.`,
    'Starting points that are safe to run:',
    ...safeQueries(table).map((query) => `- ${query}`),
  ].join('\n');
  return {
    description: `Explore ${table.schema}.${table.name}`,
    messages: [
      { role: 'user', content: { type: 'resource', resource: { uri: tableUri(table), mimeType: 'application/json', text: JSON.stringify(table, null, 2) } } },
      { role: 'user', content: { type: 'text', text } },
    ],
  };
}

/** One table as one compact line: `schema.name(col type, …) PK(…) FK(col → other.col)`. */
function schemaLine(table: SqlTableDescription): string {
  const columns = table.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  const primary = table.primary_key.length > 0 ? ` PK(${table.primary_key.join(', ')})` : '';
  const foreign = table.foreign_keys
    .map((f) => ` FK(${f.columns.join(', ')} → ${f.referenced_schema}.${f.referenced_table}(${f.referenced_columns.join(', ')}))`)
    .join('');
  return `${table.schema}.${table.name}(${columns})${primary}${foreign}`;
}

export function writeQueryPrompt(question: string, tables: readonly SqlTableDescription[], truncated: boolean): PromptOutput {
  const text = [
    'Write ONE read-only PostgreSQL SELECT that answers the question below, and run it with the sql_query tool.',
    'Use only these tables and columns:',
    ...tables.map((table) => `- ${schemaLine(table)}`),
    ...(truncated ? [`(Only the first ${MAX_WRITE_QUERY_TABLES} tables are shown: name the tables you need in the tables argument for others.)`] : []),
    'Rules: pass every value as a $1, $2 … parameter in params (never inline user text); add a LIMIT unless aggregating;',
    'qualify ambiguous columns; if the tables cannot answer the question, say so instead of guessing.',
    'Then answer the question from the rows sql_query returns, saying when the answer was cut by max_rows.',
    '',
    `Question: ${question}`,
  ].join('\n');
  return { description: 'Answer a question with sql_query', messages: [{ role: 'user', content: { type: 'text', text } }] };
}
