import { NamedParameterSyntaxError, rewriteNamedParameters } from './sql-catalog-named-parameters';

describe('rewriteNamedParameters', () => {
  it('numbers parameters by first appearance and reuses the number of a repeated name', () => {
    expect(rewriteNamedParameters('SELECT * FROM t WHERE a = :x AND b = :y AND c > :x')).toEqual({
      sql: 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c > $1',
      names: ['x', 'y'],
    });
  });

  it('leaves SQL without parameters exactly as written', () => {
    const sql = "SELECT 1 AS \"a:b\", ':c' -- :d\n/* :e */";
    expect(rewriteNamedParameters(sql)).toEqual({ sql, names: [] });
  });

  it.each<[string, string, string, string[]]>([
    ['a cast', 'SELECT a::int FROM t', 'SELECT a::int FROM t', []],
    ['a cast right after a parameter', 'WHERE d >= :since::date', 'WHERE d >= $1::date', ['since']],
    ['a cast to a qualified type', 'SELECT :v::pg_catalog.int4', 'SELECT $1::pg_catalog.int4', ['v']],
    ['a parameter at the very end', 'LIMIT :limit', 'LIMIT $1', ['limit']],
    ['a parameter in parentheses and lists', 'WHERE id IN (:a,:b)', 'WHERE id IN ($1,$2)', ['a', 'b']],
    ['a name with digits and underscores', 'WHERE x = :x_1y2', 'WHERE x = $1', ['x_1y2']],
    ['a name stopping at a dot', 'SELECT :t.col', 'SELECT $1.col', ['t']],
    ['a string literal', "SELECT ':x' , :y", "SELECT ':x' , $1", ['y']],
    ['a doubled quote inside a string', "SELECT 'it''s :x', :y", "SELECT 'it''s :x', $1", ['y']],
    ['a backslash in a standard string (it escapes nothing)', "SELECT '\\', :y", "SELECT '\\', $1", ['y']],
    ['an escaped quote in an E string', "SELECT E'\\' :x', :y", "SELECT E'\\' :x', $1", ['y']],
    ['a lower-case e string', "SELECT e'\\\\', :y", "SELECT e'\\\\', $1", ['y']],
    ['an identifier ending in e before a string (not an E string)', "SELECT typee'\\', :y", "SELECT typee'\\', $1", ['y']],
    ['bit, hex and national strings', "SELECT B'01', X'1F', N':x', :y", "SELECT B'01', X'1F', N':x', $1", ['y']],
    ['a Unicode-escaped string and identifier', 'SELECT U&\'d\\0061t:x\', U&"c:x", :y', 'SELECT U&\'d\\0061t:x\', U&"c:x", $1', ['y']],
    ['a quoted identifier', 'SELECT "col:x" FROM t WHERE a = :y', 'SELECT "col:x" FROM t WHERE a = $1', ['y']],
    ['a doubled quote in a quoted identifier', 'SELECT "a"":x" , :y', 'SELECT "a"":x" , $1', ['y']],
    ['a line comment', 'SELECT 1 -- :x\nWHERE a = :y', 'SELECT 1 -- :x\nWHERE a = $1', ['y']],
    ['a line comment at the end of the text', 'SELECT :y -- :x', 'SELECT $1 -- :x', ['y']],
    ['a block comment', 'SELECT /* :x */ :y', 'SELECT /* :x */ $1', ['y']],
    ['nested block comments', 'SELECT /* a /* :x */ :z */ :y', 'SELECT /* a /* :x */ :z */ $1', ['y']],
    ['a block comment holding a quote', "SELECT /* it's */ :y", "SELECT /* it's */ $1", ['y']],
    ['a dollar-quoted string', 'SELECT $$ :x $$, :y', 'SELECT $$ :x $$, $1', ['y']],
    ['a tagged dollar-quoted string', 'SELECT $fn$ :x $$ :z $fn$, :y', 'SELECT $fn$ :x $$ :z $fn$, $1', ['y']],
    ['a dollar quote holding quotes and comments', "SELECT $q$ ' -- /* \" $q$, :y", "SELECT $q$ ' -- /* \" $q$, $1", ['y']],
    ['an identifier containing $', 'SELECT a$b, x$1 FROM t WHERE c = :y', 'SELECT a$b, x$1 FROM t WHERE c = $1', ['y']],
    ['an array slice with numbers', 'SELECT a[1:2], a[:3] FROM t', 'SELECT a[1:2], a[:3] FROM t', []],
    ['a lone colon', 'SELECT a[1 : 2] FROM t', 'SELECT a[1 : 2] FROM t', []],
    ['the legacy := named-argument notation', 'SELECT f(a := :v)', 'SELECT f(a := $1)', ['v']],
    ['a number with an exponent', 'SELECT 1e5, :y', 'SELECT 1e5, $1', ['y']],
    ['non-ASCII identifiers and strings', "SELECT café, 'né:x' FROM t WHERE a = :y", "SELECT café, 'né:x' FROM t WHERE a = $1", ['y']],
    ['case-sensitive names', 'WHERE a = :Id AND b = :id', 'WHERE a = $1 AND b = $2', ['Id', 'id']],
  ])('leaves %s alone', (_what, sql, rewritten, names) => {
    expect(rewriteNamedParameters(sql)).toEqual({ sql: rewritten, names });
  });

  it.each<[string, string, string]>([
    ['positional parameters', 'SELECT * FROM t WHERE a = $1', 'positional parameter $1 is not allowed: name it (:name) and declare it in parameters (line 1, column 27)'],
    ['positional parameters with several digits', 'SELECT $12', 'positional parameter $12 is not allowed: name it (:name) and declare it in parameters (line 1, column 8)'],
    ['an unterminated string', "SELECT 1,\n  'abc", 'unterminated string literal (line 2, column 3)'],
    ['an unterminated E string ending in an escaped quote', "SELECT E'abc\\'", 'unterminated string literal (line 1, column 9)'],
    ['an unterminated quoted identifier', 'SELECT "abc', 'unterminated quoted identifier (line 1, column 8)'],
    ['an unterminated block comment', 'SELECT 1 /* a /* b */', 'unterminated /* comment (line 1, column 10)'],
    ['an unterminated dollar quote', 'SELECT $x$ abc $y$', 'unterminated $x$-quoted string (line 1, column 8)'],
  ])('refuses %s', (_what, sql, message) => {
    expect(() => rewriteNamedParameters(sql)).toThrow(new NamedParameterSyntaxError(message));
  });
});
