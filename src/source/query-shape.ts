/** What a query source's describe tells, and the query wrapped for it (pure). */

/** One column of a query's result, as the describe (LIMIT 0) reports it. */
export interface QueryColumn {
  readonly name: string;
  /** An integer type (its text is its digits), so the partition hash can be computed in the query. */
  readonly integer: boolean;
}

/** A query as the body of a derived table: no trailing `;`, and a line end before `)` so a closing `-- comment` stays closed. */
export function derivedQuery(query: string): string {
  return `\n${query.replace(/[\s;]+$/, '')}\n`;
}

/** The query keeping only the rows `where` accepts (a term over the result's columns). */
export function filteredQuery(query: string, where: string): string {
  return `SELECT * FROM (${derivedQuery(query)}) AS pssync_source WHERE ${where}`;
}
