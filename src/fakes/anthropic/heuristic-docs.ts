// The heuristic docs specialist: doc comments the change made wrong, and new public API left undocumented where the
// module documents the rest. Each rule reads the head file's outline (code-outline.ts); the reviewer side also wants
// the change to be the cause (the body changed, the comment did not; the declaration is new), the validator side
// checks only what the head shows (confirmDocs).
import type { Finding } from '../../domain/finding.js';
import { bodyCodeLines, outline, type Declaration, type OutlineLanguage } from './code-outline.js';

/** What a doc comment promises that the body can be checked against. */
type Claim = { line: number; text: string } & ({ kind: 'returns'; literal: string } | { kind: 'throws' });

/** How each language spells "no value" in code (the doc may say null, None or nil in any of them). */
const NULL_IN_CODE: Record<OutlineLanguage, RegExp> = { typescript: /\bnull\b/, python: /\bNone\b/, go: /\bnil\b/, php: /\bnull\b/i };
const RETURNS_SENTINEL = /\breturns?\b[^.;]*?(?<![\w-])(null|none|nil|-1)(?![\w])/i;
const THROWS = /@throws\b|\b(?:throws?|raises?)\s+(?:an?\s+)?(?:`?\w*(?:Error|Exception)\b|error\b|exception\b)/i;
const NEGATED_THROW = /\b(?:never|not|no|without|n't)\b[^.]*\b(?:throw|raise)/i;
const THROWS_IN_CODE = /\bthrow\b|\braise\b|\bpanic\(|\breject\(|Throw\w*\(|\babort\(/;

function claimsOf(lines: readonly string[], declaration: Declaration): Claim[] {
  return declaration.docLines.flatMap((line): Claim[] => {
    const text = lines[line - 1] ?? '';
    const sentinel = RETURNS_SENTINEL.exec(text)?.[1];
    if (sentinel !== undefined) return [{ line, text, kind: 'returns', literal: sentinel.toLowerCase() }];
    if (THROWS.test(text) && !NEGATED_THROW.test(text)) return [{ line, text, kind: 'throws' }];
    return [];
  });
}

/** The first claim of the doc comment that the body's code contradicts, with why. */
export function contradictedClaim(lines: readonly string[], declaration: Declaration, language: OutlineLanguage): { claim: Claim; why: string } | undefined {
  const code = bodyCodeLines(lines, declaration).map((line) => lines[line - 1] ?? '');
  if (code.length === 0) return undefined;
  for (const claim of claimsOf(lines, declaration)) {
    if (claim.kind === 'returns') {
      const literal = claim.literal === '-1' ? /(?<![\w-])-1(?!\d)/ : NULL_IN_CODE[language];
      if (!code.some((line) => literal.test(line))) return { claim, why: `the doc comment says it returns ${claim.literal}, but no line of \`${declaration.name}\` produces ${claim.literal} any more` };
    } else if (!code.some((line) => THROWS_IN_CODE.test(line))) {
      return { claim, why: `the doc comment says it throws, but \`${declaration.name}\` has no throw/raise any more` };
    }
  }
  return undefined;
}

/** An exported declaration without a doc comment in a file where every other exported declaration has one. */
export function isUndocumentedExport(declarations: readonly Declaration[], declaration: Declaration): boolean {
  if (!declaration.exported || declaration.docLines.length > 0) return false;
  const others = declarations.filter((other) => other !== declaration && other.exported);
  return others.length > 0 && others.every((other) => other.docLines.length > 0);
}

const clipped = (text: string) => text.trim().slice(0, 80);

function staleDocFinding(path: string, declaration: Declaration, found: NonNullable<ReturnType<typeof contradictedClaim>>): Finding {
  return {
    path, line: found.claim.line, side: 'new', severity: 'major', category: 'docs', confidence: 0.7,
    title: `Doc comment contradicts the changed code: \`${clipped(found.claim.text)}\``.slice(0, 200),
    body: `The change rewrote \`${declaration.name}\` but not its doc comment: ${found.why}. Callers who trust the comment handle the wrong case (outdated documentation). Update the comment to say what the code does now.`,
  };
}

function undocumentedFinding(path: string, declaration: Declaration, text: string): Finding {
  return {
    path, line: declaration.header, side: 'new', severity: 'major', category: 'docs', confidence: 0.6,
    title: `New public API without a doc comment: \`${clipped(text)}\``.slice(0, 200),
    body: `\`${declaration.name}\` is new and exported, and every other public declaration of this module is documented: callers get no word on what it expects, returns or throws (missing docs). Add a doc comment.`,
  };
}

/**
 * The docs specialist's findings on one changed head file: a doc comment the change left behind (the body has added
 * code lines, the comment none, and the comment's claim is contradicted), and a new export without docs.
 */
export function docsFindings(path: string, lines: readonly string[], language: OutlineLanguage, added: ReadonlySet<number>): Finding[] {
  const declarations = outline(lines, language);
  return declarations.flatMap((declaration): Finding[] => {
    const changedBody = bodyCodeLines(lines, declaration).some((line) => added.has(line));
    const changedDoc = declaration.docLines.some((line) => added.has(line));
    const stale = changedBody && !changedDoc ? contradictedClaim(lines, declaration, language) : undefined;
    if (stale) return [staleDocFinding(path, declaration, stale)];
    if (added.has(declaration.header) && isUndocumentedExport(declarations, declaration)) return [undocumentedFinding(path, declaration, lines[declaration.header - 1] ?? '')];
    return [];
  });
}

/** The validator's check of a docs finding on lines `from`–`to` of the head file: what shows it, or undefined. */
export function confirmDocs(lines: readonly string[], language: OutlineLanguage, from: number, to: number): string | undefined {
  const declarations = outline(lines, language);
  for (const declaration of declarations) {
    const at = (line: number) => line >= from && line <= to;
    const stale = declaration.docLines.some(at) || at(declaration.header) ? contradictedClaim(lines, declaration, language) : undefined;
    if (stale) return `${stale.why} (line ${stale.claim.line})`;
    if (at(declaration.header) && isUndocumentedExport(declarations, declaration)) return `\`${declaration.name}\` (line ${declaration.header}) is exported without a doc comment, unlike the module's other exports`;
  }
  return undefined;
}
