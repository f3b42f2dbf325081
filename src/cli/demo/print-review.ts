import type { DemoReview } from './demo.js';

/** The review as a person reads it in the terminal. */
export function formatReview(review: DemoReview, links: { webUi: string; workflowId: string }): string {
  const lines = ['', '━━━ forgebot posted a review on demo/shop!1 ━━━', '', review.summary.body.replace(/<!--.*?-->\n?/g, '').trim(), ''];
  for (const note of review.inline) {
    const body = note.body.replace(/\r\n/g, '\n'); // multipart form fields arrive with CRLF line ends
    const where = note.position ? `${note.position.new_path}:${note.position.new_line ?? note.position.old_line}` : '?';
    const headline = body.split('\n').find((line) => line.startsWith('**') && !line.includes('·')) ?? '';
    lines.push(`  ▸ ${where}  ${body.split('\n')[0]}  ${headline}`);
  }
  lines.push('', `Workflow: ${links.webUi}/namespaces/default/workflows/${encodeURIComponent(links.workflowId)}`, '');
  return lines.join('\n');
}
