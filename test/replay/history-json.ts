// Workflow histories as Temporal's JSON (the format of `temporal workflow show --output json` and of
// `historyToJSON` in @temporalio/common/lib/proto-utils), written and read for replay tests.
//
// Why not historyToJSON/historyFromJSON themselves: npm nests a separate copy of protobufjs 8 under each of
// @temporalio/common, /proto and /worker (the top-level slot holds protobufjs 7 for @grpc/proto-loader), and
// protojson's `instanceof Type` check then fails across copies ("type must be a Type"). So this uses the protojson of
// the very copy @temporalio/proto was built with; it reads the same files, and keeps working once the copies are deduped.
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History;
}

const requireHere = createRequire(import.meta.url);
const protojson = createRequire(requireHere.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const HistoryType = proto.temporal.api.history.v1.History;

/** A history (e.g. from `handle.fetchHistory()`) as Temporal JSON text, one event a line (small, and diffs well). */
export function historyToJSON(history: History): string {
  const { events } = protojson.toJson(HistoryType, HistoryType.fromObject(history)) as { events: unknown[] };
  return `{"events": [\n${events.map((event) => JSON.stringify(event)).join(',\n')}\n]}\n`;
}

/** Temporal JSON text back to a history that `Worker.runReplayHistories` replays as it is. */
export function historyFromJSON(text: string): History {
  const history = protojson.fromJson(HistoryType, JSON.parse(text), { ignoreUnknownFields: true });
  if (!history.events?.length) throw new Error('not a workflow history: it has no events');
  return history;
}
