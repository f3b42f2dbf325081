import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { EvalCase, issueText } from './case-schema.js';

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases');

/** A case file that could not be read or failed the schema: every problem of every file is reported at once. */
export class CorpusError extends Error {}

async function caseFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name)).map((entry) => join(entry.parentPath, entry.name)).sort();
}

/** Reads and validates every case under `dir` (unique ids; the case's language is its folder's name). */
export async function loadCases(dir = CASES_DIR): Promise<EvalCase[]> {
  const problems: string[] = [];
  const cases: EvalCase[] = [];
  for (const file of await caseFiles(dir)) {
    const name = relative(dir, file);
    let raw: unknown;
    try {
      raw = parseYaml(await readFile(file, 'utf8'));
    } catch (error) {
      problems.push(`${name}: not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      continue;
    }
    const parsed = EvalCase.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => `${name}: ${issueText(issue)}`));
      continue;
    }
    const folder = name.split(/[\\/]/)[0];
    if (folder !== parsed.data.language) problems.push(`${name}: language ${parsed.data.language} is not its folder's (${folder})`);
    if (cases.some((known) => known.id === parsed.data.id)) problems.push(`${name}: duplicate id ${parsed.data.id}`);
    cases.push(parsed.data);
  }
  if (problems.length > 0) throw new CorpusError(`the evaluation corpus has problems:\n${problems.join('\n')}`);
  if (cases.length === 0) throw new CorpusError(`no case files (*.yaml) under ${dir}`);
  return cases;
}
