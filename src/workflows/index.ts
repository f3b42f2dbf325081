export { reviewWorkflow } from './review.js';
export { sentryFixWorkflow } from './sentry-fix.js';
export { ticketWorkflow } from './ticket.js';
