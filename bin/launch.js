// Starts one entry point of forgebot: the compiled JavaScript in dist/ (`npm run build`: what the images ship), or,
// in a checkout (src/ is there), the TypeScript sources through tsx — so a stale dist/ never hides a source change.
import { existsSync } from 'node:fs';

/** Where `npm run build` puts the compiled sources (tsconfig.build.json: outDir dist, rootDir the repository). */
const COMPILED_ROOT = new URL('../dist/src/', import.meta.url);
const SOURCE_ROOT = new URL('../src/', import.meta.url);

/** Runs `entry` (a module path under src/ without its extension, e.g. `cli/main`). */
export async function launch(entry) {
  const source = new URL(`${entry}.ts`, SOURCE_ROOT);
  const compiled = new URL(`${entry}.js`, COMPILED_ROOT);
  if (existsSync(source)) {
    const { register } = await import('tsx/esm/api');
    register();
    await import(source.href);
  } else if (existsSync(compiled)) {
    // dist/ carries source maps; NODE_OPTIONS=--enable-source-maps maps stack traces to src/ (it costs ~0.4 s of start-up).
    await import(compiled.href);
  } else {
    process.stderr.write(`forgebot: neither ${source.pathname} nor ${compiled.pathname} exists (run \`npm run build\`)\n`);
    process.exitCode = 2;
  }
}
