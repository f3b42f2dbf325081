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
