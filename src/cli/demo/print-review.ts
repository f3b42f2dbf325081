import type { DemoReview } from './demo.js';

/**
 * The posted summary, for the terminal: without its hidden markers, and with the usage footer and the cost-budget
 * notice (both about a priced model) replaced by what the demo's model is — a script on this machine, costing nothing.
 */
function demoSummary(body: string): string {
  return body
    .replace(/\r\n/g, '\n')
    .replace(/<!--.*?-->\n?/g, '')
    .replace(/^> ⚠️ The cost budget was not enforced: .*\n?/m, '')
    .replace(/^<sub>.*? · (\d+) turns? · .*<\/sub>$/m, (_, turns: string) => `Model: the scripted demo reviewer (a fake Anthropic API on this machine) · ${turns} turns · no cost`)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The review as a person reads it in the terminal. */
export function formatReview(review: DemoReview, links: { webUi: string; workflowId: string }): string {
  const lines = ['', '━━━ forgebot posted a review on demo/shop!1 ━━━', '', demoSummary(review.summary.body), ''];
  for (const note of review.inline) {
    const body = note.body.replace(/\r\n/g, '\n'); // multipart form fields arrive with CRLF line ends
    const where = note.position ? `${note.position.new_path}:${note.position.new_line ?? note.position.old_line}` : '?';
    const headline = body.split('\n').find((line) => line.startsWith('**') && !line.includes('·')) ?? '';
    lines.push(`  ▸ ${where}  ${body.split('\n')[0]}  ${headline}`);
  }
  lines.push('', `Workflow: ${links.webUi}/namespaces/default/workflows/${encodeURIComponent(links.workflowId)}`, '');
  return lines.join('\n');
}
