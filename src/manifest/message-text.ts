/** A name as manifest messages show it: in backticks, like SQL identifiers. */
export function tick(text: string): string {
  return `\`${text}\``;
}
