// The dedupe keys are shared by every source (src/webhooks/dedupe-keys.ts), keyed by subject.
export { deliveryKey, revisionKey } from '../dedupe-keys.js';
