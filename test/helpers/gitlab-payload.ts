/** The parts of a merge-request payload the tests change. */
export type MutablePayload = {
  object_attributes: { [field: string]: unknown; last_commit: { id: string } };
  changes?: Record<string, { previous: unknown; current: unknown }>;
};
