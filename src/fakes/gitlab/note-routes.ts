import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { requestFields } from './request-body.js';
import { badRequest, forbidden, notFound, withMergeRequest } from './route-helpers.js';
import { serializeNote } from './serialize.js';
import type { FakeGitLabState, FakeMergeRequest, FakeNote } from './state.js';

export const allNotes = (mr: FakeMergeRequest): FakeNote[] => mr.discussions.flatMap((d) => d.notes);

/** GitLab lists MR notes newest first unless told otherwise (`sort`, `order_by`). */
function sortNotes(notes: FakeNote[], query: Record<string, unknown>): FakeNote[] {
  const key = query.order_by === 'updated_at' ? 'updated_at' : 'created_at';
  const direction = query.sort === 'asc' ? 1 : -1;
  return [...notes].sort((a, b) => direction * (a[key].localeCompare(b[key]) || a.id - b.id));
}

/** `GET/POST …/notes` and `PUT …/notes/:note_id`; notes are authored by the token's user. */
export function noteRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const base = '/projects/:id/merge_requests/:iid/notes';
  router.get(base, withMergeRequest(state, ({ mr }, req, res) =>
    res.json(paginate(req, res, sortNotes(allNotes(mr), req.query)).map((note) => serializeNote(note, baseUrl())))));
  router.post(base, withMergeRequest(state, async ({ mr }, req, res) => {
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    const note = state.newNote(mr, fields.body);
    mr.discussions.push({ id: state.newDiscussionId(), individual_note: true, notes: [note] });
    res.status(201).json(serializeNote(note, baseUrl()));
  }));
  router.put(`${base}/:noteId`, withMergeRequest(state, async ({ mr }, req, res) => {
    const note = allNotes(mr).find((n) => n.id === Number(req.params.noteId));
    if (!note) return notFound(res, 'Note Not Found');
    if (note.system || note.author.id !== state.botUser.id) return forbidden(res);
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    note.body = fields.body;
    note.updated_at = new Date().toISOString();
    res.json(serializeNote(note, baseUrl()));
  }));
  return router;
}
