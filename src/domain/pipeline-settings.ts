import { z } from 'zod';
import { SpecialistName } from './specialist-name.js';
import { priceOf } from './usage-cost.js';

const Glob = z.string().min(1).max(200);
const Label = z.string().min(1).max(100);

/** `pipeline.specialists.<name>` in `.forgebot.yml`: when a specialist runs, on which model, with which budget share. */
export const SpecialistRule = z
  .object({
    /** auto: by the routing rules (paths, labels, size); always / never: regardless of them. */
    when: z.enum(['auto', 'always', 'never']).default('auto'),
    /** Globs of changed files that bring this specialist in (replace its default globs). */
    paths: z.array(Glob).max(50).optional(),
    /** A label on the change that brings this specialist in, whatever the paths and size (adds to the defaults). */
    labels: z.array(Label).max(20).optional(),
    /** Lines changed (added + removed) in its files below which it does not run (auto only). */
    min_changed_lines: z.number().int().min(0).max(100_000).optional(),
    /** A Claude model with a known price (a smaller one for a cheap specialist); default: the review's model. */
    model: z
      .string()
      .max(100)
      .refine((model) => priceOf(model) !== undefined, 'a Claude model forgebot knows the price of (see src/domain/usage-cost.ts)')
      .optional(),
    /** Its share of the review's turn, token and cost budget, relative to the others that run. */
    budget_share: z.number().min(0.05).max(1).optional(),
  })
  .strict();
export type SpecialistRule = z.infer<typeof SpecialistRule>;

export const DEFAULT_PIPELINE = {
  specialists: {},
  max_parallel: 4,
  max_specialists: 5,
  validate: true,
  skip_labels: ['skip-review'],
  single_reviewer_below_lines: 20,
};

/** `pipeline:` in `.forgebot.yml`: which reviewers look at a change, and how their findings become one review. */
export const PipelineSettings = z
  .object({
    specialists: z.partialRecord(SpecialistName, SpecialistRule).default({}),
    /** Specialist conversations at once inside the one agent job. */
    max_parallel: z.number().int().min(1).max(8).default(DEFAULT_PIPELINE.max_parallel),
    /** At most this many reviewers per review (general included); the rest are named in the summary as not run. */
    max_specialists: z.number().int().min(1).max(9).default(DEFAULT_PIPELINE.max_specialists),
    /** Re-check every blocker and major finding against the code before posting; drop what is not confirmed. */
    validate: z.boolean().default(DEFAULT_PIPELINE.validate),
    /** A change with one of these labels is not reviewed (a note says so). */
    skip_labels: z.array(Label).max(20).default(DEFAULT_PIPELINE.skip_labels),
    /** A change with fewer changed lines gets the general reviewer alone (unless a label or `always` adds one). */
    single_reviewer_below_lines: z.number().int().min(0).max(100_000).default(DEFAULT_PIPELINE.single_reviewer_below_lines),
  })
  .strict();
export type PipelineSettings = z.infer<typeof PipelineSettings>;
