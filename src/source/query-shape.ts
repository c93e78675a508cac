/** What a query source's describe tells, and the query wrapped for it (pure). */

/** One column of a query's result, as the describe (LIMIT 0) reports it. */
export interface QueryColumn {
  readonly name: string;
  /** An integer type (its text is its digits), so the partition hash can be computed in the query. */
  readonly integer: boolean;
}

/**
 * The query as a derived table: no trailing `;`, and a line end before `)` so a closing
 * `-- comment` stays closed. The same in MySQL and PostgreSQL.
 */
function fromQuery(query: string): string {
  return `SELECT * FROM (\n${query.replace(/[\s;]+$/, '')}\n) AS pssync_source`;
}

/** The query's columns without its rows: the server plans `LIMIT 0` and stops before any row. */
export function describedQuery(query: string): string {
  return `${fromQuery(query)} LIMIT 0`;
}

/** The query keeping only the rows `where` accepts (a term over the result's columns). */
export function filteredQuery(query: string, where: string): string {
  return `${fromQuery(query)} WHERE ${where}`;
}
