import type { Request, Response } from 'express';

/** Jira's ErrorCollection, the body of its 4xx and 5xx answers. */
export function fail(res: Response, status: number, errorMessages: string[], errors: Record<string, string> = {}): void {
  res.status(status).json({ errorMessages, errors });
}

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

/** A JSON object body, or undefined (Jira answers a body it cannot read with 400). */
export function jsonBody(req: Request): Record<string, unknown> | undefined {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const NODES = new Set([
  'doc', 'paragraph', 'text', 'heading', 'bulletList', 'orderedList', 'listItem', 'taskList', 'taskItem', 'decisionList',
  'decisionItem', 'codeBlock', 'blockquote', 'rule', 'panel', 'table', 'tableRow', 'tableHeader', 'tableCell',
  'mediaSingle', 'mediaGroup', 'media', 'mediaInline', 'mention', 'emoji', 'hardBreak', 'inlineCard', 'blockCard',
  'embedCard', 'date', 'status', 'expand', 'nestedExpand', 'extension', 'bodiedExtension', 'inlineExtension',
  'layoutSection', 'layoutColumn', 'placeholder',
]);
const MARKS = new Set(['strong', 'em', 'code', 'strike', 'underline', 'link', 'subsup', 'textColor', 'backgroundColor', 'alignment', 'indentation', 'border', 'annotation', 'breakout', 'dataConsumer', 'fragment']);

/**
 * Why Jira would refuse `value` as a comment body, or undefined when it is a document it accepts: v3 takes ADF only
 * (a string is refused), of known node and mark types, text nodes with text, and not empty.
 */
export function adfProblem(value: unknown): { field?: string; message: string } | undefined {
  if (value === undefined || value === null) return { field: 'comment', message: 'Comment body can not be empty!' };
  if (typeof value !== 'object' || Array.isArray(value) || (value as { type?: unknown }).type !== 'doc' || (value as { version?: unknown }).version !== 1) {
    return { field: 'comment', message: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' };
  }
  let texts = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | null;
    if (node === null || typeof node !== 'object' || typeof node.type !== 'string' || !NODES.has(node.type)) return { message: 'INVALID_INPUT' };
    if (node.type === 'text') {
      if (typeof node.text !== 'string' || node.text === '') return { message: 'INVALID_INPUT' };
      texts += node.text.trim() === '' ? 0 : 1;
    }
    if (node.type === 'mention' || node.type === 'emoji' || node.type === 'media' || node.type === 'inlineCard') texts += 1;
    if (node.marks !== undefined) {
      if (!Array.isArray(node.marks) || node.marks.some((mark: unknown) => !mark || typeof mark !== 'object' || !MARKS.has(String((mark as { type?: unknown }).type)))) return { message: 'INVALID_INPUT' };
    }
    if (node.content !== undefined) {
      if (!Array.isArray(node.content)) return { message: 'INVALID_INPUT' };
      stack.push(...(node.content as unknown[]));
    }
  }
  return texts === 0 ? { field: 'comment', message: 'Comment body can not be empty!' } : undefined;
}

/** Jira's bounds on an entity property: a key of 1–255 characters, a JSON value of at most 32,768 bytes. */
export const PROPERTY_KEY_MAX = 255;
export const PROPERTY_VALUE_MAX_BYTES = 32_768;

/** Why Jira would refuse `properties` of a comment being created (`[{ key, value }]`), or undefined. */
export function propertiesProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return 'properties must be a list of { key, value }.';
  for (const entry of value as unknown[]) {
    const { key, value: json } = (entry ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key === '' || key.length > PROPERTY_KEY_MAX) return `The property key must be between 1 and ${PROPERTY_KEY_MAX} characters.`;
    if (json === undefined || Buffer.byteLength(JSON.stringify(json)) > PROPERTY_VALUE_MAX_BYTES) return `The property value must be JSON of at most ${PROPERTY_VALUE_MAX_BYTES} bytes.`;
  }
  return undefined;
}
