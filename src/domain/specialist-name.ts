import { z } from 'zod';

/**
 * The reviewers a review can run: the generalist (`general`, the reviewer of a single-reviewer review), four
 * concern specialists, and language specialists by file type. Their prompts and default routing are in
 * src/agents/specialists/catalog.ts.
 */
export const SpecialistName = z.enum(['general', 'security', 'performance', 'docs', 'tests', 'typescript', 'python', 'go', 'php']);
export type SpecialistName = z.infer<typeof SpecialistName>;
