import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { requestFields } from './request-body.js';
import { badRequest, notFound, withMergeRequest } from './route-helpers.js';
import { serializeDiscussion, serializeNote } from './serialize.js';
import { setDiscussionResolved, type FakeDiscussion, type FakeGitLabState, type NotePosition } from './state.js';
import { validatePosition } from './validate-position.js';

/**
 * `GET/POST …/discussions` (diff notes with validated positions), `GET …/discussions/:id` (one thread; `404 Discussion
 * Not Found` for an id not on the merge request, as GitLab answers), `PUT …/discussions/:id?resolved=` (by the token's user: `resolved_by`) and
 * `POST …/discussions/:id/notes` (a reply; replying to a single comment turns it into a thread, as GitLab does).
 */
export function discussionRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const base = '/projects/:id/merge_requests/:iid/discussions';
  router.get(base, withMergeRequest(state, ({ mr }, req, res) =>
    res.json(paginate(req, res, mr.discussions).map((discussion) => serializeDiscussion(discussion, baseUrl())))));
  router.post(base, withMergeRequest(state, async ({ mr }, req, res) => {
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    let position: NotePosition | undefined;
    if (Object.keys(fields).some((key) => key.startsWith('position['))) {
      const checked = validatePosition(mr, fields);
      if (typeof checked === 'string') return badRequest(res, checked);
      position = checked;
    }
    const note = state.newNote(mr, fields.body, position ? { position } : { inThread: true });
    const discussion: FakeDiscussion = { id: state.newDiscussionId(), individual_note: false, notes: [note] };
    mr.discussions.push(discussion);
    res.status(201).json(serializeDiscussion(discussion, baseUrl()));
  }));
  router.get(`${base}/:discussionId`, withMergeRequest(state, ({ mr }, req, res) => {
    const discussion = mr.discussions.find((d) => d.id === req.params.discussionId);
    if (!discussion) return notFound(res, 'Discussion Not Found');
    res.json(serializeDiscussion(discussion, baseUrl()));
  }));
  router.put(`${base}/:discussionId`, withMergeRequest(state, async ({ mr }, req, res) => {
    const discussion = mr.discussions.find((d) => d.id === req.params.discussionId);
    if (!discussion) return notFound(res);
    const fields = await requestFields(req);
    if (fields.resolved !== 'true' && fields.resolved !== 'false') return badRequest(res, 'resolved is missing');
    if (discussion.individual_note) return badRequest(res, 'discussion is not resolvable');
    // Only the token's own user writes through the API (a read-only token never gets here).
    setDiscussionResolved(discussion, fields.resolved === 'true', state.botUser);
    res.json(serializeDiscussion(discussion, baseUrl()));
  }));
  router.post(`${base}/:discussionId/notes`, withMergeRequest(state, async ({ mr }, req, res) => {
    const discussion = mr.discussions.find((d) => d.id === req.params.discussionId);
    if (!discussion) return notFound(res, 'Discussion Not Found');
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    if (discussion.individual_note) {
      discussion.individual_note = false;
      for (const note of discussion.notes) Object.assign(note, { type: note.type ?? 'DiscussionNote', resolvable: !note.system });
    }
    const position = discussion.notes[0]?.position;
    const note = state.newNote(mr, fields.body, position ? { position } : { inThread: true });
    discussion.notes.push(note);
    res.status(201).json(serializeNote(note, baseUrl()));
  }));
  return router;
}
