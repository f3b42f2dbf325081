// A JavaScript TypeError as Sentry's API answers `events/latest/`: the shape of the "Return an issue event" example
// in Sentry's API reference (entries of type exception, breadcrumbs, request; camelCase frames with `context` lines),
// filled in for a small cart application whose in-app code reads a property of undefined.

export interface ExampleEventOptions {
  eventId?: string;
  groupId: string;
  projectId: string;
  dateCreated?: string;
  /** In-app source root as the SDK reports it (default `webpack:///./`, so frames read `webpack:///./src/cart/total.ts`). */
  prefix?: string;
  release?: string;
}

const frame = (fields: Record<string, unknown>) => ({
  errors: null, vars: null, package: null, platform: null, instructionAddr: null, symbolAddr: null, trust: null, symbol: null, rawFunction: null, ...fields,
});

/** The in-app frames' source: `computeTotal` reads `item.price.amount` of an item without a price. */
const TOTAL_TS: Array<[number, string]> = [
  [9, 'export function computeTotal(cart: Cart): number {'],
  [10, '  let total = 0;'],
  [11, '  for (const item of cart.items) {'],
  [12, '    // Items added from a saved list have no price until the catalogue answers.'],
  [13, '    const quantity = item.quantity ?? 1;'],
  [14, '    total += item.price.amount * quantity;'],
  [15, '  }'],
  [16, '  return Math.round(total * 100) / 100;'],
  [17, '}'],
];

export function exampleTypeErrorEvent(options: ExampleEventOptions): Record<string, unknown> {
  const prefix = options.prefix ?? 'webpack:///./';
  const eventId = options.eventId ?? '9fac2ceed9344f2bbfdd1fdacb0ed9b1';
  const dateCreated = options.dateCreated ?? '2026-03-02T10:15:42.118000Z';
  const release = options.release ?? 'shop-web@2.14.1';
  const frames = [
    frame({
      function: 'HTMLButtonElement.sentryWrapped', absPath: 'webpack:///./node_modules/@sentry/browser/esm/helpers.js', filename: './node_modules/@sentry/browser/esm/helpers.js',
      module: 'node_modules/@sentry/browser/esm/helpers', lineNo: 87, colNo: 17, inApp: false,
      context: [[85, '      // Attempt to invoke user-land function'], [86, '      // NOTE: If you are a Sentry user, and you are seeing this stack frame, it'], [87, '      return fn.apply(this, wrappedArguments);'], [88, '    } catch (ex) {'], [89, '      ignoreNextOnError();']],
    }),
    frame({
      function: 'onCheckout', absPath: `${prefix}src/checkout/button.ts`, filename: './src/checkout/button.ts', module: 'src/checkout/button', lineNo: 22, colNo: 5, inApp: true,
      context: [[19, "button.addEventListener('click', onCheckout);"], [20, ''], [21, 'function onCheckout(): void {'], [22, '  const total = computeTotal(currentCart());'], [23, '  renderTotal(total);'], [24, '}']],
    }),
    frame({
      function: 'computeTotal', absPath: `${prefix}src/cart/total.ts`, filename: './src/cart/total.ts', module: 'src/cart/total', lineNo: 14, colNo: 29, inApp: true, context: TOTAL_TS,
    }),
  ];
  return {
    id: eventId,
    groupID: options.groupId,
    eventID: eventId,
    projectID: options.projectId,
    size: 8_412,
    dist: null,
    message: '',
    title: "TypeError: Cannot read properties of undefined (reading 'amount')",
    location: 'src/cart/total.ts',
    culprit: 'computeTotal(src/cart/total)',
    user: { id: '550747', email: 'shopper@example.com', username: null, ip_address: '{{auto}}', name: null, data: null },
    contexts: { browser: { name: 'Chrome', version: '122.0.0', type: 'browser' }, os: { name: 'Mac OS X', version: '10.15.7', type: 'os' } },
    sdk: { name: 'sentry.javascript.browser', version: '8.9.2' },
    context: {},
    packages: {},
    type: 'error',
    metadata: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'amount')", filename: 'src/cart/total.ts', function: 'computeTotal', in_app_frame_mix: 'mixed' },
    tags: [
      { key: 'browser', value: 'Chrome 122.0.0' },
      { key: 'browser.name', value: 'Chrome' },
      { key: 'environment', value: 'production' },
      { key: 'handled', value: 'no' },
      { key: 'level', value: 'error' },
      { key: 'mechanism', value: 'instrument' },
      { key: 'os.name', value: 'Mac OS X' },
      { key: 'release', value: release },
      { key: 'transaction', value: '/checkout' },
      { key: 'url', value: 'https://shop.example.com/checkout?step=review' },
    ],
    platform: 'javascript',
    dateReceived: dateCreated,
    dateCreated,
    errors: [],
    crashFile: null,
    fingerprints: ['4f8c1d8b7b1a4c1b9c3e2f6a8d0b7e21'],
    groupingConfig: { enhancements: 'eJybzDRxY25-UmZOqpWRgWGFroWRrqmBrqEhAAJmBkI', id: 'newstyle:2023-01-11' },
    release: { version: release, shortVersion: release, dateCreated: '2026-03-01T08:00:00.000000Z', dateReleased: null, url: null, data: {}, commitCount: 0, deployCount: 0, lastDeploy: null, lastCommit: null, ref: null },
    userReport: null,
    sdkUpdates: [],
    resolvedWith: [],
    nextEventID: null,
    previousEventID: null,
    occurrence: null,
    _meta: { user: null, context: null, entries: {}, contexts: null, message: null, packages: null, tags: {}, sdk: null },
    entries: [
      {
        type: 'exception',
        data: {
          values: [
            {
              type: 'TypeError',
              value: "Cannot read properties of undefined (reading 'amount')",
              module: null,
              mechanism: { type: 'instrument', handled: false, data: { function: 'addEventListener', handler: 'onCheckout', target: 'EventTarget' } },
              threadId: null,
              rawStacktrace: null,
              stacktrace: { frames, framesOmitted: null, registers: null, hasSystemFrames: true },
            },
          ],
          excOmitted: null,
          hasSystemFrames: true,
        },
      },
      {
        type: 'breadcrumbs',
        data: {
          values: [
            { type: 'navigation', category: 'navigation', level: 'info', event_id: null, timestamp: '2026-03-02T10:15:30.004000Z', message: null, data: { from: '/cart', to: '/checkout' } },
            { type: 'http', category: 'xhr', level: 'info', event_id: null, timestamp: '2026-03-02T10:15:31.512000Z', message: null, data: { method: 'GET', url: '/api/cart?session_token=3f9a1c77e0b24d8c', status_code: 200 } },
            { type: 'default', category: 'ui.click', level: 'info', event_id: null, timestamp: '2026-03-02T10:15:42.101000Z', message: 'button#checkout.btn.btn-primary', data: null },
            { type: 'error', category: 'console', level: 'warning', event_id: null, timestamp: '2026-03-02T10:15:42.110000Z', message: 'price lookup pending for sku-1182', data: { arguments: ['price lookup pending for sku-1182'], logger: 'console' } },
          ],
        },
      },
      {
        type: 'request',
        data: {
          apiTarget: null,
          method: 'GET',
          url: 'https://shop.example.com/checkout',
          query: [['step', 'review']],
          fragment: null,
          data: null,
          headers: [
            ['Accept', 'text/html'],
            ['Authorization', 'Bearer sk_live_example_header_token_123456'],
            ['Cookie', 'sessionid=7b4f2c9a0d1e; csrftoken=QmFzZTY0'],
            ['User-Agent', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36'],
          ],
          cookies: [['sessionid', '7b4f2c9a0d1e'], ['csrftoken', 'QmFzZTY0']],
          env: { REMOTE_ADDR: '203.0.113.7', SERVER_NAME: 'shop-web-1' },
          inferredContentType: null,
        },
      },
    ],
  };
}
