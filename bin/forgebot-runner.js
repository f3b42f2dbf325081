#!/usr/bin/env node
// The runner image's entry point: runs the agent runner (src/agents/runner-main.ts) through tsx. Input: FORGEBOT_TASK
// (the task JSON) and the secrets in the environment; output: logs on stderr, the framed result last on stdout.
import { register } from 'tsx/esm/api';

register();
await import('../src/agents/runner-main.ts');
