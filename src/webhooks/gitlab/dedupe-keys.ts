// The dedupe keys are shared by every forge (src/webhooks/dedupe-keys.ts); GitLab's keys are unchanged.
export { deliveryKey, revisionKey } from '../dedupe-keys.js';
