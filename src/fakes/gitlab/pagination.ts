import type { Request, Response } from 'express';

/** Pages `items` the way GitLab's offset pagination does: X-* headers and a Link header. */
export function paginate<T>(req: Request, res: Response, items: T[]): T[] {
  const perPage = Math.min(Math.max(Number(req.query.per_page ?? 20) || 20, 1), 100);
  const page = Math.max(Number(req.query.page ?? 1) || 1, 1);
  const totalPages = Math.max(Math.ceil(items.length / perPage), 1);
  const url = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
  const link = (target: number, rel: string) => {
    url.searchParams.set('page', String(target));
    url.searchParams.set('per_page', String(perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(totalPages, 'last')];
  if (page < totalPages) links.unshift(link(page + 1, 'next'));
  if (page > 1) links.unshift(link(page - 1, 'prev'));
  res.set({
    'X-Total': String(items.length),
    'X-Total-Pages': String(totalPages),
    'X-Per-Page': String(perPage),
    'X-Page': String(page),
    'X-Next-Page': page < totalPages ? String(page + 1) : '',
    'X-Prev-Page': page > 1 ? String(page - 1) : '',
    Link: links.join(', '),
  });
  return items.slice((page - 1) * perPage, page * perPage);
}
