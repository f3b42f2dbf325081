// The heuristic fake model answering as one specialist of a multi-specialist review (the focus block's first line
// `Specialist: <name>.` says which): each specialist applies only the rules of its field, so the evaluation can score
// specialists apart, and two of them disagree or over-fire on purpose where a case is built to show aggregation and
// validation at work.
import type { Category } from '../../domain/finding.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import { HEURISTIC_RULES, type HeuristicRule, type RuleContext } from './heuristic-rules.js';
import { UNFAILING_ASSERTION } from './heuristic-tests.js';

/** A rule that may also offer a replacement for the line it flags (a one-click suggestion). */
export interface SuggestingRule extends HeuristicRule {
  suggest?: (context: RuleContext) => string | undefined;
}

/** `.query(` / `.execute(` called with one template literal that interpolates: the rewrites below handle this shape only. */
const INLINE_TEMPLATE_QUERY = /^(.*\.(?:query|execute)\()\s*`([^`]*\$\{[^`]*)`\s*(\).*)$/;
const INTERPOLATION = /'([^'$]*)\$\{([^}]+)\}([^'$]*)'|\$\{([^}]+)\}/g;

/**
 * The security specialist's fix: bound parameters (`$1`, `$2` …, node-postgres style) instead of interpolation; a
 * quoted value with text around it (`'%${name}%'`) becomes a template-literal parameter.
 */
export function parameterisedQuery(line: string): string | undefined {
  const match = INLINE_TEMPLATE_QUERY.exec(line);
  if (!match) return undefined;
  const [, head = '', sql = '', tail = ''] = match;
  const params: string[] = [];
  const text = sql.replace(INTERPOLATION, (_all, before: string | undefined, quoted: string | undefined, after: string | undefined, bare: string | undefined) => {
    if (quoted !== undefined) params.push(before === '' && after === '' ? quoted.trim() : `\`${before ?? ''}\${${quoted.trim()}}${after ?? ''}\``);
    else params.push((bare ?? '').trim());
    return `$${params.length}`;
  });
  const literal = text.includes("'") ? `\`${text}\`` : `'${text}'`;
  return `${head}${literal}, [${params.join(', ')}]${tail}`;
}

/**
 * The TypeScript specialist's different fix for the same line: a `sql` tagged template (slonik, @databases/pg,
 * postgres.js), so the driver binds each interpolated value; the quotes around a `${…}` go, the tag binds it.
 */
export function taggedTemplateQuery(line: string): string | undefined {
  const match = INLINE_TEMPLATE_QUERY.exec(line);
  if (!match) return undefined;
  const [, head = '', sql = '', tail = ''] = match;
  return `${head}sql\`${sql.replace(/'(\$\{[^}]+\})'/g, '$1')}\`${tail}`;
}

const SQL_WORDS = /\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i;

/** TypeScript's own trap: SQL in an interpolating template literal passed straight to the driver (precise: the validator uses it too). */
const SQL_TEMPLATE_LITERAL: SuggestingRule = {
  id: 'ts-sql-template-literal', severity: 'major', category: 'security', confidence: 0.8,
  title: 'Template literal interpolated into SQL',
  body: 'The query is a template literal with `${…}` inside: the values are pasted into the SQL text, not bound (SQL injection). Tag the template (`sql`…``) so the driver binds them.',
  applies: (c) => c.language === 'typescript' && INLINE_TEMPLATE_QUERY.test(c.text) && SQL_WORDS.test(c.text),
  suggest: (c) => taggedTemplateQuery(c.text),
};

const QUERY_CALL = /\.(query|execute|findOne|findById|findUnique|QueryRow|Query|Exec)\(|->(query|prepare|execute|find)\(|\bdb\.\w+\(/;
const LOOP_HEADER = /^\s*(for|foreach|while)\b|\.(forEach|map)\(/;

/**
 * DELIBERATELY OVER-EAGER, for the performance specialist only: any query within six lines of a loop header, before
 * or after it, is flagged as a possible N+1 — also the one batched query that loads everything before the loop. It
 * exists so the evaluation has findings that only the validation pass can tell apart (the validator checks the
 * precise rules, which want the query inside the loop): see bench/eval/cases/python/py-batched-authors.yaml.
 */
export const OVER_EAGER_QUERY_NEAR_LOOP: SuggestingRule = {
  id: 'query-near-loop', severity: 'major', category: 'performance', confidence: 0.62,
  title: 'Query next to a loop (possible N+1)',
  body: 'A query runs next to a loop over rows: if it runs once per item this is an N+1. Load the rows in one query.',
  applies: (c) => QUERY_CALL.test(c.text) && c.lines.slice(Math.max(0, c.lineNumber - 7), c.lineNumber + 6).some((line) => LOOP_HEADER.test(line)),
};

/** Rules a specialist may use that are right where they fire: the validator confirms findings with these. */
export const PRECISE_RULES: readonly SuggestingRule[] = [...HEURISTIC_RULES, SQL_TEMPLATE_LITERAL, UNFAILING_ASSERTION];

type LanguageSpecialist = 'typescript' | 'python' | 'go' | 'php';

const ofCategories = (categories: readonly Category[]) => HEURISTIC_RULES.filter((rule) => categories.includes(rule.category));

/** The security specialist's SQL rule offers the parameterised rewrite (the general reviewer's does not). */
function withParameters(rule: HeuristicRule): SuggestingRule {
  return rule.id === 'sql-built' ? { ...rule, suggest: (c) => (c.language === 'typescript' ? parameterisedQuery(c.text) : undefined) } : rule;
}

/** A language specialist: the bug and maintainability rules on its language's files, and that language's own traps. */
function languageRules(language: LanguageSpecialist): SuggestingRule[] {
  const own = language === 'typescript' ? [SQL_TEMPLATE_LITERAL] : [];
  return [...ofCategories(['bug', 'maintainability']), ...own].map((rule) => ({ ...rule, applies: (c: RuleContext) => c.language === language && rule.applies(c) }));
}

/**
 * The rules a specialist applies to added lines, in order (one finding per line: the first that applies). general:
 * today's single reviewer's rules; security, performance: the rules of their category; tests: assertions that cannot
 * fail; docs: none (its rules read whole declarations: heuristic-change-rules.ts, as do the tests specialist's
 * untested-change rule); a language specialist: see languageRules.
 */
export function specialistRules(name: string): readonly SuggestingRule[] {
  const parsed = SpecialistName.safeParse(name);
  if (!parsed.success || parsed.data === 'general') return HEURISTIC_RULES;
  switch (parsed.data) {
    case 'security':
      return ofCategories(['security']).map(withParameters);
    case 'performance':
      return [...ofCategories(['performance']), OVER_EAGER_QUERY_NEAR_LOOP];
    case 'tests':
      return [...ofCategories(['tests']), UNFAILING_ASSERTION];
    case 'docs':
      return ofCategories(['docs']);
    default:
      return languageRules(parsed.data);
  }
}
