/** One link of Sentry's `Link` header: `<url>; rel="next"; results="true"; cursor="0:100:0"`. */
export interface SentryLink {
  url: string;
  rel: string;
  /** Sentry says whether the page the link points at holds anything: `false` ends the walk. */
  results: boolean;
  cursor?: string;
}

/** The links of a `Link` header as Sentry writes them (cursor pagination); malformed parts are skipped. */
export function parseSentryLinks(header: string | null): SentryLink[] {
  if (!header) return [];
  const links: SentryLink[] = [];
  for (const part of header.split(/,\s*(?=<)/)) {
    const url = /^\s*<([^>]*)>/.exec(part)?.[1];
    if (url === undefined) continue;
    const params = new Map<string, string>();
    for (const match of part.matchAll(/;\s*([a-z]+)\s*=\s*"([^"]*)"/gi)) params.set((match[1] ?? '').toLowerCase(), match[2] ?? '');
    const rel = params.get('rel');
    if (!rel) continue;
    const cursor = params.get('cursor');
    links.push({ url, rel, results: params.get('results') === 'true', ...(cursor !== undefined ? { cursor } : {}) });
  }
  return links;
}

/** The next page's URL, when Sentry says there is one with results. */
export function nextPageUrl(header: string | null): string | undefined {
  const next = parseSentryLinks(header).find((link) => link.rel === 'next');
  return next?.results ? next.url : undefined;
}
