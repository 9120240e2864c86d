/** The family name: its tools (built-in and from the SQL catalog) need `sql:read`. */
export const SQL_FAMILY = 'sql';
