// The first thing the `forgebot` command does (main.ts imports this module before any other): refuse a Node.js older
// than forgebot's in one line that says how to get the right one. Left to run, the dependencies fail while loading,
// with errors that do not say why (undici on Node.js 20: "Cannot read properties of undefined (reading 'bind')").

/** The Node.js forgebot runs on: package.json `engines`, `.nvmrc`, setup.sh's NODE_MAJOR and the images agree on it. */
export const MINIMUM_NODE_MAJOR = 24;

/** Why this Node.js cannot run forgebot, with the fix; undefined when it can. */
export function nodeVersionProblem(version: string = process.versions.node, execPath: string = process.execPath): string | undefined {
  const major = Number(version.split('.')[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return (
    `Node.js ${version} (${execPath}) is too old: forgebot needs Node.js ${MINIMUM_NODE_MAJOR} or newer. ` +
    `Run \`make setup\` once (it installs Node.js ${MINIMUM_NODE_MAJOR} into .tools/node), then \`./forgebot …\` or \`npm run forgebot -- …\``
  );
}

const problem = nodeVersionProblem();
if (problem !== undefined) {
  process.stderr.write(`forgebot: ${problem}\n`);
  process.exit(2);
}
