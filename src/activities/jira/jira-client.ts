import { IssueKey, JiraUser, type JiraComment, type JiraTicket } from '../../domain/jira/ticket.js';
import { COMMENT_MARK_PROPERTY, JiraError, type CommentMark, type JiraApi } from './jira-api.js';
import { JiraApiCommentPage, JiraApiCommentsById, JiraApiCreatedComment, JiraApiIssue, JiraApiIssueStatus, JiraApiTransitions, JiraApiUser, JiraApiUsers } from './jira-api-schemas.js';
import { createJiraHttp, type JiraHttpOptions } from './jira-http.js';
import { markdownToAdf } from './markdown-to-adf.js';
import { commentFromApi, ticketFields, ticketFromIssue, userFromApi } from './ticket-from-issue.js';

export interface JiraClientOptions extends JiraHttpOptions {
  /** A custom field holding acceptance criteria (e.g. `customfield_10050`), read before the description's section. */
  acceptanceCriteriaField?: string;
  /** Comment pages (of 100) a listing walks at most (default 50). */
  maxPages?: number;
}

const PAGE = 100;
const FIELD_ID = /^(?:customfield_\d{1,10}|[a-z][a-zA-Z]{0,40})$/;
/** Project permission keys (`TRANSITION_ISSUES`) and the keys of apps' own permissions (`com.acme.app:approve`). */
const PERMISSION = /^[A-Za-z0-9_.:-]{1,120}$/;

const isMark = (value: unknown, mark: string) => typeof value === 'object' && value !== null && (value as { mark?: unknown }).mark === mark;

const byId = (a: { id: string }, b: { id: string }) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/**
 * JiraApi over Jira Cloud's REST API v3 with fetch and zod, not jira.js: jira.js 6 (the maintained line) has no
 * request timeout or AbortSignal and follows redirects with the credential, and forgebot reads seven endpoints whose
 * answers it validates itself anyway. Everything the API returns is untrusted text; the token is only ever sent to
 * the configured site.
 */
export function createJiraClient(options: JiraClientOptions): JiraApi & { readonly secrets: readonly string[] } {
  const http = createJiraHttp(options);
  const maxPages = options.maxPages ?? 50;
  const criteriaField = options.acceptanceCriteriaField;
  if (criteriaField !== undefined && !FIELD_ID.test(criteriaField)) throw new TypeError(`not a Jira field id: ${JSON.stringify(criteriaField).slice(0, 60)}`);

  function issuePath(key: IssueKey, rest = ''): string {
    if (!IssueKey.safeParse(key).success) throw new JiraError('ERR_JIRA_INVALID', `not a Jira issue key: ${JSON.stringify(key).slice(0, 60)}`);
    return `/issue/${encodeURIComponent(key)}${rest}`;
  }

  /** Jira's answer read into a domain type; an answer that does not fit is Jira's fault, reported, never retried. */
  function mapped<T>(doing: string, map: () => T): T {
    try {
      return map();
    } catch (error) {
      const detail = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 300) : String(error);
      throw new JiraError('ERR_JIRA_INVALID', `${doing}: Jira's answer does not fit a ticket: ${detail}`);
    }
  }

  async function getTicket(key: IssueKey): Promise<JiraTicket | undefined> {
    const doing = `reading Jira issue ${key}`;
    try {
      const issue = await http.request(doing, 'GET', issuePath(key), { query: { fields: ticketFields(criteriaField) }, schema: JiraApiIssue });
      return mapped(doing, () => ticketFromIssue(issue, http.site, criteriaField));
    } catch (error) {
      // Deleted, moved out of sight, or never visible to this token: Jira answers all three alike.
      if (error instanceof JiraError && error.code === 'ERR_JIRA_NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Newest first, so that with `after` the walk stops at the first page reaching a comment already seen; then put in
   * creation order (ids grow with creation). Without `after`, at most `maxPages` pages: the newest comments.
   */
  async function listComments(key: IssueKey, after?: string): Promise<JiraComment[]> {
    const doing = `listing the comments of Jira issue ${key}`;
    if (after !== undefined && !/^\d{1,20}$/.test(after)) throw new JiraError('ERR_JIRA_INVALID', `not a Jira comment id: ${JSON.stringify(after).slice(0, 40)}`);
    const newer = (id: string) => after === undefined || BigInt(id) > BigInt(after);
    const seen = new Map<string, JiraComment>();
    let startAt = 0;
    for (let page = 0; page < maxPages; page++) {
      const data = await http.request(doing, 'GET', issuePath(key, '/comment'), { query: { startAt, maxResults: PAGE, orderBy: '-created' }, schema: JiraApiCommentPage });
      for (const comment of data.comments) if (newer(comment.id)) seen.set(comment.id, mapped(doing, () => commentFromApi(comment)));
      startAt = data.startAt + data.comments.length;
      const reachedSeen = data.comments.some((comment) => !newer(comment.id));
      if (data.comments.length === 0 || startAt >= data.total || reachedSeen) break;
    }
    return [...seen.values()].sort(byId);
  }

  async function addComment(key: IssueKey, markdown: string, mark?: CommentMark): Promise<{ id: string }> {
    // A property set with the comment (Jira Cloud's Comment takes `properties` on create): one request, never a
    // comment without its mark.
    const properties = mark ? { properties: [{ key: COMMENT_MARK_PROPERTY, value: { mark: mark.mark, intent: mark.intent } }] } : {};
    const created = await http.request(`commenting on Jira issue ${key}`, 'POST', issuePath(key, '/comment'), { body: { body: markdownToAdf(markdown), ...properties }, schema: JiraApiCreatedComment });
    return { id: created.id };
  }

  /**
   * The issue's comments newest first, a page at a time (startAt, maxResults, total; at most `maxPages`); each page's
   * comments by `authorAccountId` read again by id with their properties ("Get comments by IDs", the only comment
   * listing that expands properties), until one carries `mark`. A retry looks right after its first attempt: the
   * first page finds it.
   */
  async function findMarkedComment(key: IssueKey, mark: string, authorAccountId: string): Promise<{ id: string } | undefined> {
    const doing = `looking for forgebot's comment on Jira issue ${key}`;
    let startAt = 0;
    for (let page = 0; page < maxPages; page++) {
      const data = await http.request(doing, 'GET', issuePath(key, '/comment'), { query: { startAt, maxResults: PAGE, orderBy: '-created' }, schema: JiraApiCommentPage });
      const ids = data.comments.filter((comment) => comment.author?.accountId === authorAccountId).map((comment) => Number(comment.id)).filter(Number.isSafeInteger);
      if (ids.length > 0) {
        const { values } = await http.request(doing, 'POST', '/comment/list', { query: { expand: 'properties' }, body: { ids }, schema: JiraApiCommentsById });
        const marked = values.find((comment) => comment.author?.accountId === authorAccountId && comment.properties?.some((property) => property.key === COMMENT_MARK_PROPERTY && isMark(property.value, mark)));
        if (marked) return { id: marked.id };
      }
      startAt = data.startAt + data.comments.length;
      if (data.comments.length === 0 || startAt >= data.total) break;
    }
    return undefined;
  }

  async function transitionTo(key: IssueKey, statusName: string): Promise<boolean> {
    const wanted = statusName.trim().toLowerCase();
    const { transitions } = await http.request(`reading the transitions of Jira issue ${key}`, 'GET', issuePath(key, '/transitions'), { schema: JiraApiTransitions });
    const transition = transitions.find((candidate) => candidate.to.name.trim().toLowerCase() === wanted);
    if (!transition) {
      // Already there (a retried activity whose first attempt moved it) counts as done.
      const current = await http.request(`reading the status of Jira issue ${key}`, 'GET', issuePath(key), { query: { fields: 'status' }, schema: JiraApiIssueStatus });
      return current.fields.status.name.trim().toLowerCase() === wanted;
    }
    await http.request(`moving Jira issue ${key} to ${JSON.stringify(statusName).slice(0, 80)}`, 'POST', issuePath(key, '/transitions'), { body: { transition: { id: transition.id } } });
    return true;
  }

  async function userHasPermission(key: IssueKey, user: Pick<JiraUser, 'accountId'>, permission: string): Promise<boolean> {
    if (!PERMISSION.test(permission)) throw new JiraError('ERR_JIRA_INVALID', `not a Jira permission key: ${JSON.stringify(permission).slice(0, 60)}`);
    if (!JiraUser.shape.accountId.safeParse(user.accountId).success) throw new JiraError('ERR_JIRA_INVALID', 'not a Jira account id');
    issuePath(key);
    // "Find users with permissions": whether this user holds the permission on this issue (its project's scheme, its
    // security level). `mypermissions` would answer for forgebot's own account, not the person's.
    const users = await http.request(`checking ${permission} of a user on Jira issue ${key}`, 'GET', '/user/permission/search', {
      query: { permissions: permission, issueKey: key, accountId: user.accountId, maxResults: 50 },
      schema: JiraApiUsers,
    });
    return users.some((found) => userFromApi(found)?.accountId === user.accountId);
  }

  async function myself(): Promise<JiraUser> {
    const doing = 'reading the Jira account forgebot acts as';
    const me = await http.request(doing, 'GET', '/myself', { schema: JiraApiUser });
    return mapped(doing, () => {
      const user = userFromApi(me);
      if (!user) throw new Error('no account id');
      return user;
    });
  }

  return { secrets: http.secrets, getTicket, listComments, addComment, findMarkedComment, transitionTo, userHasPermission, myself };
}
