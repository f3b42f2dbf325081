#!/usr/bin/env node
// The `forgebot` command (src/cli/main.ts): compiled from dist/ in an image, through tsx in a checkout (launch.js).
// A Node.js older than forgebot's is refused by main.ts's first import (src/cli/require-node.ts), in one line with the
// fix, before any dependency loads; in a checkout, `./forgebot` runs this on the project's Node.js.
import { launch } from './launch.js';

await launch('cli/main');
