export { reviewWorkflow } from './review.js';
export { sentryFixWorkflow } from './sentry-fix.js';
