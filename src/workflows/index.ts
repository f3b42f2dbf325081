export { reviewWorkflow } from './review.js';
