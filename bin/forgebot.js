#!/usr/bin/env node
// The `forgebot` command (src/cli/main.ts): compiled from dist/ in an image, through tsx in a checkout (launch.js).
import { launch } from './launch.js';

await launch('cli/main');
