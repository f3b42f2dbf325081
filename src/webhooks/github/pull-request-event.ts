import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{40,64}$/, 'must be a commit SHA');

/** The fields of a GitHub `pull_request` event that a review or a close needs; other fields are dropped. */
export const PullRequestEvent = z.object({
  action: z.string().min(1),
  number: z.number().int().positive(),
  pull_request: z.object({
    title: z.string(),
    html_url: z.string(),
    draft: z.boolean().optional(),
    merged: z.boolean().nullable().optional(),
    user: z.object({ login: z.string() }).nullable().optional(),
    head: z.object({ sha, ref: z.string() }),
    base: z.object({ ref: z.string() }),
  }),
  repository: z.object({ full_name: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repo') }),
  sender: z.object({ login: z.string() }).optional(),
});
export type PullRequestEvent = z.infer<typeof PullRequestEvent>;

/** Any other event: only that it is a JSON object is checked. */
export const GitHubEnvelope = z.record(z.string(), z.unknown());
