import type { Request, Response } from 'express';

/**
 * Pages `items` the way Sentry's cursor pagination does: `per_page` (default and at most 100), `cursor` as
 * `value:offset:is_prev`, and a Link header that always has a `previous` and a `next` link, each saying with
 * `results="true"|"false"` whether that page holds anything.
 */
export function paginate<T>(req: Request, res: Response, items: T[]): T[] {
  const perPage = Math.min(Math.max(Number(req.query.per_page ?? 100) || 100, 1), 100);
  const cursor = /^(\d+):(\d+):([01])$/.exec(String(req.query.cursor ?? ''));
  const offset = cursor ? Number(cursor[2]) : 0;
  const url = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
  const link = (rel: 'previous' | 'next', at: number, results: boolean, isPrev: 0 | 1) => {
    const value = `0:${at}:${isPrev}`;
    url.searchParams.set('cursor', value);
    return `<${url.toString()}>; rel="${rel}"; results="${results}"; cursor="${value}"`;
  };
  const previousAt = Math.max(offset - perPage, 0);
  res.set('Link', [link('previous', previousAt, offset > 0, 1), link('next', offset + perPage, offset + perPage < items.length, 0)].join(', '));
  return items.slice(offset, offset + perPage);
}
