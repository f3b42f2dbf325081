import express, { type Router } from 'express';
import { allNotes } from './note-routes.js';
import { paginate } from './pagination.js';
import { requestFields } from './request-body.js';
import { badRequest, notFound, withMergeRequest } from './route-helpers.js';
import { serializeAward } from './serialize-writes.js';
import type { FakeGitLabState } from './state.js';

/**
 * `GET/POST /projects/:id/merge_requests/:iid/notes/:note_id/award_emoji`. One user awards one name once: GitLab
 * answers a repeat with 404 `Award Emoji Name has already been taken` (its `not_found!` wording).
 */
export function awardRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const base = '/projects/:id/merge_requests/:iid/notes/:noteId/award_emoji';
  router.get(base, withMergeRequest(state, ({ mr }, req, res) => {
    const note = allNotes(mr).find((n) => n.id === Number(req.params.noteId));
    if (!note) return notFound(res);
    res.json(paginate(req, res, state.awards.get(note.id) ?? []).map((award) => serializeAward(award, baseUrl())));
  }));
  router.post(base, withMergeRequest(state, async ({ mr }, req, res) => {
    const note = allNotes(mr).find((n) => n.id === Number(req.params.noteId));
    if (!note) return notFound(res);
    const { name } = await requestFields(req);
    if (!name) return badRequest(res, 'name is missing');
    if (note.system) return notFound(res, 'Award Emoji Awardable cannot add emoji reactions Not Found');
    if (!/^[a-z0-9_+-]+$/.test(name)) return notFound(res, 'Award Emoji Name is not a valid emoji name Not Found');
    const awards = state.awards.get(note.id) ?? [];
    if (awards.some((award) => award.name === name && award.user.id === state.botUser.id)) {
      return notFound(res, 'Award Emoji Name has already been taken Not Found');
    }
    const award = { id: state.id(), name, user: state.botUser, awardableId: note.id, createdAt: new Date().toISOString() };
    state.awards.set(note.id, [...awards, award]);
    res.status(201).json(serializeAward(award, baseUrl()));
  }));
  return router;
}
