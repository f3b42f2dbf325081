// Tools for agents that change code (inside the sandbox), and the patch their work becomes.
export { collectPatch, UnsupportedChangeError } from './collect-patch.js';
export { summarizeChanges, type ChangeSummary } from './change-summary.js';
export { createEditTools, type EditToolOptions } from './create-edit-tools.js';
export { pathGuard, type PathGuard } from './protected-paths.js';
export { patchScopeProblems, scopeProblems, type ChangeLimitRules } from './scope-limits.js';
