// Webex pages its lists with `max` and a `Link: <url>; rel="next"` header while more items remain; the
// simulator's next URLs carry an `offset`. Some Webex next links lose query parameters (e.g. meetingId):
// `dropQuery` reproduces that.
import type { Request, Response } from 'express';

const int = (v: unknown): number | undefined =>
  typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

/**
 * Answers `{items}` with the page the request asks for, and a next link when more remain; 400 for a bad
 * `max` (1 to 100) or `offset`. Returns an error message instead of answering when the query is invalid.
 */
export function sendPage<T>(
  req: Request,
  res: Response,
  items: T[],
  opts: { baseUrl: string; dropQuery?: string[] },
): string | undefined {
  const max = req.query.max === undefined ? 10 : int(req.query.max);
  const offset = req.query.offset === undefined ? 0 : int(req.query.offset);
  if (max === undefined || max < 1 || max > 100) return 'max must be an integer from 1 to 100';
  if (offset === undefined) return 'offset must be a non-negative integer';
  if (offset + max < items.length) {
    const next = new URL(req.originalUrl, opts.baseUrl);
    next.searchParams.set('max', String(max));
    next.searchParams.set('offset', String(offset + max));
    for (const name of opts.dropQuery ?? []) next.searchParams.delete(name);
    res.set('link', `<${next.href}>; rel="next"`);
  }
  res.json({ items: items.slice(offset, offset + max) });
  return undefined;
}
