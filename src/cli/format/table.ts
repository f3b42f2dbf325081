/**
 * Rows as aligned columns, two spaces apart, for people (the `--json` of each command is for programs). The last
 * column is not padded, so no line ends in blanks.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column < cells.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
