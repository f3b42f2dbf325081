#!/usr/bin/env node
// The agent runner (src/agents/runner-main.ts), compiled or through tsx (launch.js); the runner image runs
// dist/src/agents/runner-main.js directly. Input: FORGEBOT_TASK or FORGEBOT_TASK_FILE (the task JSON) and the secrets
// in the environment; output: logs on stderr, the framed result last on stdout.
import { launch } from './launch.js';

await launch('agents/runner-main');
