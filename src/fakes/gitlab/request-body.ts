import type { Request } from 'express';

/**
 * The request's fields, from JSON, urlencoded or multipart bodies (gitbeaker sends discussion positions
 * as multipart form fields such as `position[new_line]`), flattened to `a[b]` keys, plus the query string.
 */
export async function requestFields(req: Request): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') fields[key] = value;
  const contentType = req.get('content-type') ?? '';
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (raw.length === 0) return fields;
  if (contentType.includes('application/json')) {
    flatten(JSON.parse(raw.toString('utf8')) as unknown, '', fields);
  } else if (contentType.includes('multipart/form-data') || contentType.includes('application/x-www-form-urlencoded')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    for (const [key, value] of form.entries()) if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

function flatten(value: unknown, prefix: string, into: Record<string, string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}[${key}]` : key, into);
    return;
  }
  into[prefix] = String(value);
}

/**
 * The request's body with arrays and nested objects kept (gitbeaker sends JSON: commit `actions`, `reviewer_ids`),
 * over the query string; form bodies come back flattened as in requestFields.
 */
export async function requestBody(req: Request): Promise<Record<string, unknown>> {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (raw.length === 0 || !(req.get('content-type') ?? '').includes('application/json')) return requestFields(req);
  const parsed = JSON.parse(raw.toString('utf8')) as unknown;
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') query[key] = value;
  return { ...query, ...(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {}) };
}

/** A string field (numbers become strings, as Grape coerces them). */
export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A Grape boolean: `true`/`false` or the strings. */
export function booleanField(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** An array field, or a comma-separated string (GitLab takes `labels` both ways). */
export function listField(body: Record<string, unknown>, key: string): unknown[] | undefined {
  const value = body[key];
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((item) => item.trim());
  return undefined;
}
