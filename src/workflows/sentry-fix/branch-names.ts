/** The fix branches of one Sentry issue: `forgebot/sentry-<shortId>`, then `-2`, `-3` … for later attempts. */
export function fixBranchPrefix(shortId: string): string {
  return `forgebot/sentry-${shortId}`;
}

/** Whether `branch` is one of this fix branches (IPE-1's prefix also starts IPE-12's names). */
export function isFixBranchOf(shortId: string, branch: string): boolean {
  const prefix = fixBranchPrefix(shortId);
  return branch === prefix || (branch.startsWith(`${prefix}-`) && /^(?:[2-9]|[1-9]\d+)$/.test(branch.slice(prefix.length + 1)));
}

/** The first free fix branch name, given the branches that exist. */
export function nextFixBranch(shortId: string, existing: readonly string[]): string {
  const prefix = fixBranchPrefix(shortId);
  const taken = new Set(existing);
  if (!taken.has(prefix)) return prefix;
  for (let attempt = 2; ; attempt++) {
    const name = `${prefix}-${attempt}`;
    if (!taken.has(name)) return name;
  }
}
