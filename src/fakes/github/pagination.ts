import type { Request, Response } from 'express';

/** Pages `items` the way GitHub does: `per_page` (default 30, at most 100), `page`, and a Link header. */
export function paginate<T>(req: Request, res: Response, items: T[]): T[] {
  const perPage = Math.min(Math.max(Number(req.query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(req.query.page ?? 1) || 1, 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const url = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
  const link = (target: number, rel: string) => {
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(target));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  if (links.length > 0) res.set('Link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}
