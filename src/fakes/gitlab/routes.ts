import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { positionInDiff } from '../../domain/diff-position.js';
import { paginate } from './pagination.js';
import { requestFields } from './request-body.js';
import { serializeDiscussion, serializeMergeRequest, serializeNote, serializeProject } from './serialize.js';
import type { FakeDiscussion, FakeGitLabState, FakeMergeRequest, FakeNote, FakeProject, NotePosition } from './state.js';

type Located = { project: FakeProject; mr: FakeMergeRequest };

const notFound = (res: Response, what = 'Not found') => res.status(404).json({ message: `404 ${what}` });
const badRequest = (res: Response, message: string) => res.status(400).json({ message: `400 Bad request - ${message}` });
const invalidLineCode = 'Note {:line_code=>["can\'t be blank", "must be a valid line code"]}';

function locate(state: FakeGitLabState, req: Request, res: Response): Located | undefined {
  const project = state.findProject(decodeURIComponent(String(req.params.id)));
  if (!project) return void notFound(res, 'Project Not Found');
  const mr = state.mergeRequest(project.id, Number(req.params.iid));
  if (!mr) return void notFound(res);
  return { project, mr };
}

function lineOf(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'null') return null;
  const line = Number(value);
  return Number.isInteger(line) && line > 0 ? line : null;
}

/** Checks a text position the way GitLab does: a known diff version, a file of it, and a line it shows. */
function validatePosition(mr: FakeMergeRequest, fields: Record<string, string>): NotePosition | string {
  const position: NotePosition = {
    base_sha: fields['position[base_sha]'] ?? '',
    start_sha: fields['position[start_sha]'] ?? '',
    head_sha: fields['position[head_sha]'] ?? '',
    position_type: 'text',
    old_path: fields['position[old_path]'] ?? fields['position[new_path]'] ?? '',
    new_path: fields['position[new_path]'] ?? fields['position[old_path]'] ?? '',
    old_line: lineOf(fields['position[old_line]']),
    new_line: lineOf(fields['position[new_line]']),
  };
  if (fields['position[position_type]'] !== 'text') return 'position_type must be text';
  const version = mr.versions.find(
    (v) => v.head_commit_sha === position.head_sha && v.base_commit_sha === position.base_sha && v.start_commit_sha === position.start_sha,
  );
  if (!version) return invalidLineCode;
  const file = version.files.find((f) => f.new_path === position.new_path && f.old_path === position.old_path);
  if (!file || (position.old_line === null && position.new_line === null)) return invalidLineCode;
  const expected =
    position.new_line !== null ? positionInDiff(file.diff, position.new_line, 'new') : positionInDiff(file.diff, position.old_line!, 'old');
  if (!expected || (expected.newLine ?? null) !== position.new_line || (expected.oldLine ?? null) !== position.old_line) return invalidLineCode;
  return position;
}

export function gitlabRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const withMr = (handler: (located: Located, req: Request, res: Response) => Promise<unknown> | unknown) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const located = locate(state, req, res);
        if (located) await handler(located, req, res);
      } catch (error) {
        next(error);
      }
    };
  const newNote = (mr: FakeMergeRequest, body: string, position?: NotePosition): FakeNote => {
    const now = new Date().toISOString();
    return {
      id: state.id(), type: position ? 'DiffNote' : null, body, author: state.botUser, created_at: now, updated_at: now,
      system: false, noteable_id: mr.id, noteable_type: 'MergeRequest', noteable_iid: mr.iid,
      resolvable: position !== undefined, resolved: false, ...(position ? { position } : {}),
    };
  };
  const allNotes = (mr: FakeMergeRequest) => mr.discussions.flatMap((d) => d.notes);

  router.get('/projects/:id', (req, res) => {
    const project = state.findProject(decodeURIComponent(req.params.id));
    if (!project) return notFound(res, 'Project Not Found');
    res.json(serializeProject(project, baseUrl()));
  });
  router.get('/projects/:id/merge_requests/:iid', withMr(({ project, mr }, _req, res) => res.json(serializeMergeRequest(mr, project, baseUrl()))));
  router.get('/projects/:id/merge_requests/:iid/versions', withMr(({ mr }, req, res) =>
    res.json(paginate(req, res, mr.versions.map(({ files: _files, ...version }) => version)))));
  router.get('/projects/:id/merge_requests/:iid/versions/:versionId', withMr(({ mr }, req, res) => {
    const version = mr.versions.find((v) => v.id === Number(req.params.versionId));
    if (!version) return notFound(res);
    const { files, ...rest } = version;
    res.json({ ...rest, commits: [], diffs: files });
  }));
  router.get('/projects/:id/merge_requests/:iid/diffs', withMr(({ mr }, req, res) => res.json(paginate(req, res, mr.versions[0]?.files ?? []))));

  router.get('/projects/:id/merge_requests/:iid/notes', withMr(({ mr }, req, res) => res.json(paginate(req, res, allNotes(mr).map(serializeNote)))));
  router.post('/projects/:id/merge_requests/:iid/notes', withMr(async ({ mr }, req, res) => {
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    const note = newNote(mr, fields.body);
    mr.discussions.push({ id: state.newDiscussionId(), individual_note: true, notes: [note] });
    res.status(201).json(serializeNote(note));
  }));
  router.put('/projects/:id/merge_requests/:iid/notes/:noteId', withMr(async ({ mr }, req, res) => {
    const note = allNotes(mr).find((n) => n.id === Number(req.params.noteId));
    if (!note) return notFound(res, 'Note Not Found');
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    note.body = fields.body;
    note.updated_at = new Date().toISOString();
    res.json(serializeNote(note));
  }));

  router.get('/projects/:id/merge_requests/:iid/discussions', withMr(({ mr }, req, res) => res.json(paginate(req, res, mr.discussions.map(serializeDiscussion)))));
  router.post('/projects/:id/merge_requests/:iid/discussions', withMr(async ({ mr }, req, res) => {
    const fields = await requestFields(req);
    if (!fields.body) return badRequest(res, 'body is missing');
    let position: NotePosition | undefined;
    if (Object.keys(fields).some((key) => key.startsWith('position['))) {
      const checked = validatePosition(mr, fields);
      if (typeof checked === 'string') return badRequest(res, checked);
      position = checked;
    }
    const discussion: FakeDiscussion = { id: state.newDiscussionId(), individual_note: false, notes: [newNote(mr, fields.body, position)] };
    mr.discussions.push(discussion);
    res.status(201).json(serializeDiscussion(discussion));
  }));
  router.put('/projects/:id/merge_requests/:iid/discussions/:discussionId', withMr(async ({ mr }, req, res) => {
    const discussion = mr.discussions.find((d) => d.id === req.params.discussionId);
    if (!discussion) return notFound(res);
    const fields = await requestFields(req);
    if (fields.resolved === undefined) return badRequest(res, 'resolved is missing');
    for (const note of discussion.notes) if (note.resolvable) note.resolved = fields.resolved === 'true';
    res.json(serializeDiscussion(discussion));
  }));
  return router;
}
