// Structural mutations of JSON payloads for property tests: replace or drop the value at any path, add a field to any
// object. Values are copied, never changed in place; keys are defined as own properties (`__proto__` included).
import fc from 'fast-check';

export type JsonPath = (string | number)[];

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value at `path`, or undefined when it is absent. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === 'number') node = node[step];
    else if (isObject(node) && typeof step === 'string' && Object.hasOwn(node, step)) node = node[step];
    else return undefined;
  }
  return node;
}

/** Every path of a JSON value below its root (objects' fields and arrays' items, depth first). */
export function pathsOf(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : isObject(value) ? Object.entries(value) : [];
  return children.flatMap(([step, child]) => [[...prefix, step], ...pathsOf(child, [...prefix, step])]);
}

/** The paths of the objects in a JSON value, the root included when it is one. */
export function objectPathsOf(value: unknown): JsonPath[] {
  return [[], ...pathsOf(value)].filter((path) => isObject(valueAt(value, path)));
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `root` with `path` set to `value`, or removed when `value` is undefined (nothing happens on a missing parent). */
export function withValueAt(root: unknown, path: JsonPath, value: unknown): unknown {
  const copy: unknown = structuredClone(root);
  const parent = valueAt(copy, path.slice(0, -1));
  const last = path.at(-1);
  if (last === undefined) return value;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
  } else if (isObject(parent) && typeof last === 'string') {
    if (value === undefined) delete parent[last];
    else define(parent, last, value);
  }
  return copy;
}

export type Mutation = { op: 'set'; pick: number; value: unknown } | { op: 'drop'; pick: number } | { op: 'add'; pick: number; key: string; value: unknown };

/** Applies the mutations in turn; `pick` chooses a path (or, for `add`, an object) among those present at that point. */
export function mutate(root: unknown, mutations: readonly Mutation[]): unknown {
  let value = root;
  for (const mutation of mutations) {
    if (mutation.op === 'add') {
      const objects = objectPathsOf(value);
      const target = objects[mutation.pick % Math.max(objects.length, 1)];
      if (target !== undefined) value = withValueAt(value, [...target, mutation.key], mutation.value);
      continue;
    }
    const paths = pathsOf(value);
    const path = paths[mutation.pick % Math.max(paths.length, 1)];
    if (path !== undefined) value = withValueAt(value, path, mutation.op === 'set' ? mutation.value : undefined);
  }
  return value;
}

/** A field name none of `known` (the names a schema reads): random, prototype-ish, or a near miss of a real one. */
export function unknownKey(known: ReadonlySet<string>): fc.Arbitrary<string> {
  const nearMisses = [...known].flatMap((key) => [`${key} `, key.toUpperCase(), `_${key}`]);
  return fc
    .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ...nearMisses))
    .filter((key) => !known.has(key));
}

/** Mutations that keep the payload's shape but change values (`values`) or drop fields. */
export function mutationOf(values: fc.Arbitrary<unknown>, known: ReadonlySet<string>): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: values }),
    fc.record({ op: fc.constant('drop' as const), pick: fc.nat() }),
    fc.record({ op: fc.constant('add' as const), pick: fc.nat(), key: unknownKey(known), value: fc.jsonValue({ maxDepth: 2 }) }),
  );
}
