/** The bytes git writes for its C-style escapes (quote_c_style): `\a \b \t \n \v \f \r \" \\`. */
const ESCAPED: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
const BACKSLASH = 0x5c;

/**
 * A path as git writes it in a diff header: wrapped in double quotes with C escapes (and `\ooo` octal bytes) when it
 * holds a quote, a backslash or a control character (or, without core.quotePath=false, any non-ASCII byte); as it is
 * otherwise. Returns the path itself.
 */
export function unquoteGitPath(written: string): string;
export function unquoteGitPath(written: string | undefined): string | undefined;
export function unquoteGitPath(written: string | undefined): string | undefined {
  if (written === undefined || written.length < 2 || !written.startsWith('"') || !written.endsWith('"')) return written;
  const raw = Buffer.from(written.slice(1, -1), 'utf8');
  const bytes: number[] = [];
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index] ?? 0;
    if (byte !== BACKSLASH) {
      bytes.push(byte);
      continue;
    }
    const octal = /^[0-7]{3}/.exec(raw.subarray(index + 1, index + 4).toString('latin1'))?.[0];
    const next = raw[index + 1];
    if (octal !== undefined) bytes.push(Number.parseInt(octal, 8));
    else if (next !== undefined) bytes.push(ESCAPED[String.fromCharCode(next)] ?? next);
    index += octal === undefined ? 1 : 3;
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The path of a `--- a/x` / `+++ b/x` header line (its text after the 4-character marker), or undefined for /dev/null.
 * git ends the line with a tab when the path holds a space (for GNU patch), and quotes the whole `a/…` part when needed.
 */
export function headerPath(rest: string): string | undefined {
  const written = unquoteGitPath(rest.replace(/\t$/, ''));
  return written === '/dev/null' ? undefined : written.replace(/^[ab]\//, '');
}

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
const GIT_LINE = new RegExp(`^diff --git (${QUOTED}|a/.+) (${QUOTED}|b/.+)$`);

/** The two paths of a `diff --git a/x b/y` line (each side quoted or not), for a section without `---`/`+++` lines. */
export function gitLinePaths(line: string): [string, string] | undefined {
  const [, before, after] = GIT_LINE.exec(line) ?? [];
  if (before === undefined || after === undefined) return undefined;
  return [unquoteGitPath(before).replace(/^a\//, ''), unquoteGitPath(after).replace(/^b\//, '')];
}
