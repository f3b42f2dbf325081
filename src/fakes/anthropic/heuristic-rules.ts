import type { Category, Severity } from '../../domain/finding.js';

/** What a rule sees: the whole head file (1-based `lines[n - 1]`), the line it judges, and what flows from requests. */
export interface RuleContext {
  lines: readonly string[];
  lineNumber: number;
  text: string;
  language: 'typescript' | 'python' | 'go' | 'php' | 'other';
  /** Names assigned from request input in this file (`const name = req.query.name`). */
  tainted: ReadonlySet<string>;
}

export interface HeuristicRule {
  id: string;
  severity: Severity;
  category: Category;
  confidence: number;
  title: string;
  body: string;
  applies: (context: RuleContext) => boolean;
}

const REQUEST_SOURCE = /\breq\.(query|params|body|headers)|\brequest\.(args|form|json|GET|POST|values|query_params|path_params)|\br\.(URL|FormValue|Form|PostFormValue)|\$_(GET|POST|REQUEST|COOKIE)|\$request->(get|input|query)/;
const ASSIGN = /(?:const|let|var)\s+(\w+)\s*=|^\s*(\w+)\s*:?=|\$(\w+)\s*=/;
const SQL = /\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i;
const BUILT_STRING = /\$\{|["'`]\s*(\+|\.)\s*\$?\w|\w\s*(\+|\.)\s*["'`]|\bf["']|\.format\(|["']\s*%\s*[\w(]|Sprintf\(|"[^"]*\$[a-z_]\w*/i;
const LOOP = /^\s*(for|foreach|while)\b|\.(forEach|map)\(\s*(async\s*)?\(?[\w\s,]*\)?\s*=>/;
const QUERY_CALL = /\.(query|execute|findOne|findById|findUnique|QueryRow|Query|Exec|fetchone)\(|->(query|prepare|execute|find)\(|\bcursor\.execute\(|\.objects\.get\(|\bdb\.\w+\(/;

/** Request-derived variable names: assigned from a request source, or from a tainted name. */
export function taintedNames(lines: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (let pass = 0; pass < 2; pass++) {
    for (const line of lines) {
      const match = ASSIGN.exec(line);
      const name = match?.[1] ?? match?.[2] ?? match?.[3];
      if (name && (REQUEST_SOURCE.test(line) || usesTainted(line.slice(line.indexOf('=') + 1), names))) names.add(name);
    }
  }
  return names;
}

function usesTainted(text: string, names: ReadonlySet<string>): boolean {
  for (const name of names) if (new RegExp(`(?<![\\w.])\\$?${name}\\b`).test(text)) return true;
  return false;
}

const fromRequest = (context: RuleContext) => REQUEST_SOURCE.test(context.text) || usesTainted(context.text, context.tainted);

/** Is the line inside a loop body: a loop header up to 6 lines above, indented less than this line. */
function inLoop(context: RuleContext): boolean {
  const indent = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;
  const own = indent(context.text);
  for (let n = context.lineNumber - 1; n >= Math.max(1, context.lineNumber - 6); n--) {
    const line = context.lines[n - 1] ?? '';
    if (LOOP.test(line) && indent(line) < own) return true;
  }
  return false;
}

/** Does any of the next `count` lines (or the rest of the file when count is Infinity) match? */
const after = (context: RuleContext, pattern: RegExp, count = Infinity) =>
  context.lines.slice(context.lineNumber, context.lineNumber + count).some((line) => pattern.test(line));

/** Inside a request handler: a handler signature up to 15 lines above. */
const inHandler = (context: RuleContext) =>
  context.lines.slice(Math.max(0, context.lineNumber - 16), context.lineNumber - 1).some((line) => /\(\s*req\b.*\bres\b|http\.ResponseWriter|async def |@app\.(get|post|route)|function \w+\(Request \$/.test(line));

export const HEURISTIC_RULES: readonly HeuristicRule[] = [
  { id: 'sql-built', severity: 'blocker', category: 'security', confidence: 0.9, title: 'SQL built from strings', body: 'The query is assembled by string interpolation/concatenation, which allows SQL injection. Use bound parameters.',
    applies: (c) => SQL.test(c.text) && BUILT_STRING.test(c.text) },
  { id: 'command-injection', severity: 'blocker', category: 'security', confidence: 0.85, title: 'Shell command built from input', body: 'A shell command is built from variable input: command injection. Pass arguments as a list without a shell.',
    applies: (c) => /\b(execSync|exec)\(\s*(`[^`]*\$\{|[^)]*\+)/.test(c.text) && c.language === 'typescript'
      || /os\.system\(|os\.popen\(|shell\s*=\s*True/.test(c.text)
      || /exec\.Command\(\s*"(sh|bash)"\s*,\s*"-c"/.test(c.text)
      || (c.language === 'php' && /\b(shell_exec|system|exec|passthru|popen)\s*\([^)]*\$/.test(c.text) && !/escapeshellarg/.test(c.text)) },
  { id: 'path-traversal', severity: 'major', category: 'security', confidence: 0.75, title: 'File path from request input', body: 'A file path is built from request input without normalising it and checking it stays in the intended folder: path traversal ("../").',
    applies: (c) => /(readFile|readFileSync|createReadStream|sendFile|open\(|send_file|os\.Open|os\.ReadFile|ServeFile|filepath\.Join|path\.join|file_get_contents|fopen|readfile)/.test(c.text) && fromRequest(c) && !/basename|realpath|Clean\(|resolve\(/.test(c.text) },
  { id: 'hard-coded-secret', severity: 'major', category: 'security', confidence: 0.85, title: 'Hard-coded credential', body: 'A credential committed to the repository is readable by everyone with access and stays in history. Read it from the environment or a secret store.',
    applies: (c) => /(password|passwd|secret|api_?key|token|private_?key)\w*["']?\s*(:=|=>|[:=])\s*["'][^"'\s]{8,}["']/i.test(c.text) },
  { id: 'xss', severity: 'major', category: 'security', confidence: 0.75, title: 'Unescaped input in HTML', body: 'Input is written into HTML without escaping: cross-site scripting. Escape it (or use the template engine\'s escaping).',
    applies: (c) => (/\.innerHTML\s*=|dangerouslySetInnerHTML|template\.HTML\(|Markup\(/.test(c.text) || (/\b(echo|print)\b|res\.send\(|Fprintf\(w|return\s+f?["'`]/.test(c.text) && /</.test(c.text) && fromRequest(c)))
      && !/htmlspecialchars|escape|encodeURIComponent|html\.escape/.test(c.text) },
  { id: 'ssrf', severity: 'major', category: 'security', confidence: 0.7, title: 'Request to a URL from input', body: 'The server fetches a URL taken from the request: server-side request forgery (internal services, cloud metadata). Allow-list hosts.',
    applies: (c) => /\bfetch\(|axios\.\w+\(|requests\.(get|post)\(|urlopen\(|http\.Get\(|http\.NewRequest|curl_init\(|file_get_contents\(/.test(c.text) && fromRequest(c) },
  { id: 'insecure-deserialization', severity: 'blocker', category: 'security', confidence: 0.85, title: 'Untrusted data deserialized', body: 'Deserializing untrusted bytes with this API can run code. Use a data-only format (JSON) or a safe loader.',
    applies: (c) => /pickle\.loads?\(|marshal\.loads\(|yaml\.load\((?![^)]*SafeLoader)|\bunserialize\(|node-serialize|serialize\.unserialize/.test(c.text) },
  { id: 'eval', severity: 'blocker', category: 'security', confidence: 0.9, title: 'Code evaluated from a string', body: 'Evaluating a string lets whoever controls it run code. Parse the input instead.',
    applies: (c) => /(?<![\w.])eval\(/.test(c.text) },
  { id: 'off-by-one', severity: 'major', category: 'bug', confidence: 0.75, title: 'Loop bound goes one past the end', body: 'The index reaches the length itself, one past the last element. Use `<` (or `range(len(x))`).',
    applies: (c) => /<=\s*[\w.$>-]+\.(length|size\(\))|<=\s*len\(|<=\s*count\(|range\(len\([^)]*\)\s*\+\s*1\)/.test(c.text) },
  { id: 'async-foreach', severity: 'major', category: 'bug', confidence: 0.8, title: 'forEach with an async callback is not awaited', body: 'forEach ignores the promises its async callback returns: the function returns before the work is done and errors go unhandled. Use for…of with await, or Promise.all.',
    applies: (c) => /\.forEach\(\s*async\b/.test(c.text) },
  { id: 'find-deref', severity: 'major', category: 'bug', confidence: 0.65, title: 'Result that can be empty is dereferenced', body: 'This lookup returns nothing when there is no match, and the result is used without a check: a crash on that path.',
    applies: (c) => /\.find\([^)]*\)\.\w|\.get\([^)]*\)\.\w+(?!\()|re\.(match|search)\([^)]*\)\.group|->(find|first)\([^)]*\)->/.test(c.text) },
  { id: 'leaked-handle', severity: 'major', category: 'bug', confidence: 0.65, title: 'Resource opened and not closed', body: 'The handle is never closed on every path: a descriptor/connection leak under load. Close it (defer, with, finally).',
    applies: (c) => (c.language === 'go' && /(\w+),\s*err\s*:?=\s*(os\.Open|os\.Create|http\.Get|sql\.Open|net\.Dial)/.test(c.text) && !after(c, /defer\s+\w+(\.Body)?\.Close\(\)/, 6))
      || (c.language === 'python' && /^\s*\w+\s*=\s*open\(/.test(c.text) && !after(c, /\.close\(\)/))
      || (c.language === 'php' && /fopen\(/.test(c.text) && !after(c, /fclose\(/))
      || (c.language === 'typescript' && /openSync\(|createConnection\(/.test(c.text) && !after(c, /closeSync\(|\.(end|close|release)\(\)/)) },
  { id: 'n-plus-one', severity: 'major', category: 'performance', confidence: 0.7, title: 'Query inside a loop (N+1)', body: 'One query per item: the request makes N+1 round trips. Load the rows in one query (IN / JOIN / batch loader).',
    applies: (c) => QUERY_CALL.test(c.text) && inLoop(c) },
  { id: 'quadratic', severity: 'major', category: 'performance', confidence: 0.6, title: 'Linear search inside a loop', body: 'A linear membership test inside a loop is quadratic in the input size. Build a Set/dict/map once.',
    applies: (c) => /\.(includes|indexOf)\(|\bin_array\(|slices\.Contains\(|\bif\s+\w+\s+(not\s+)?in\s+\w+\s*:/.test(c.text) && inLoop(c) },
  { id: 'sync-io-handler', severity: 'major', category: 'performance', confidence: 0.65, title: 'Blocking I/O on the request path', body: 'Synchronous file or process I/O inside a request handler blocks every other request. Use the async API or cache the result.',
    applies: (c) => /readFileSync|writeFileSync|execSync|time\.sleep\(|requests\.(get|post)\(/.test(c.text) && inHandler(c) },
];
