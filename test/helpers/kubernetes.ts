import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { createRunnerJobsApi, type RunnerJobsApi } from '../../src/activities/sandbox/kubernetes/api.js';
import { frame } from '../../src/agents/result-frame.js';
import { FakeKubernetes } from '../../src/fakes/kubernetes/fake-kubernetes.js';
import type { ImageCommand } from '../../src/fakes/kubernetes/kubelet.js';
import { createLogger } from '../../src/logger.js';

export const RUNNER_IMAGE = 'registry.example/forgebot-runner:test';
export const KUBE_TOKEN = 'fake-kube-token-0123456789';

/** The runner image as the kubelet runs it here: this checkout's runner entry point (bin/forgebot-runner.js). */
export function runnerImage(): ImageCommand {
  const entry = fileURLToPath(new URL('../../bin/forgebot-runner.js', import.meta.url));
  return { command: [process.execPath, entry], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } };
}

export interface StubBehaviour {
  /** How long it runs before answering. */
  ms?: number;
  /** `result`: a review (its summary says what the pod saw); `error`: the runner's own failure; `none`: nothing. */
  print?: 'result' | 'error' | 'none';
  exitCode?: number;
}

/** A stand-in runner image: a node one-liner that behaves as told (and proves its workspace and secret arrive). */
export function stubImage(behaviour: StubBehaviour = {}): ImageCommand {
  const result = frame({
    result: { role: 'reviewer', review: { headSha: 'HEAD', summary: 'SUMMARY', findings: [], model: 'stub', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 }, truncated: false } },
  });
  const failure = frame({ error: { code: 'ERR_MODEL_UNAVAILABLE', message: 'the model API is overloaded' } });
  const script = `
    const fs = require('node:fs');
    if (process.env.HOME) fs.writeFileSync(process.env.HOME + '/proof', 'x');
    process.stderr.write(JSON.stringify({ msg: 'stub started' }) + '\\n');
    const task = process.env.FORGEBOT_TASK_FILE ? JSON.parse(fs.readFileSync(process.env.FORGEBOT_TASK_FILE, 'utf8')).role : 'none';
    const seen = 'key=' + (process.env.ANTHROPIC_API_KEY ? 'yes' : 'no') + ' cwd=' + (process.cwd() === process.env.HOME) + ' task=' + task;
    setTimeout(() => {
      const print = ${JSON.stringify(behaviour.print ?? 'result')};
      if (print === 'result') process.stdout.write(${JSON.stringify(result)}.replace('SUMMARY', seen));
      if (print === 'error') process.stdout.write(${JSON.stringify(failure)});
      process.exit(${behaviour.exitCode ?? (behaviour.print === 'error' ? 1 : 0)});
    }, ${behaviour.ms ?? 50});`;
  return { command: [process.execPath, '-e', script], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } };
}

export interface KubeWorld {
  fake: FakeKubernetes;
  kubeconfigPath: string;
  api: RunnerJobsApi;
  stop(): Promise<void>;
}

/** A fake Kubernetes API with its kubelet, a kubeconfig file for it, and the sandbox's API client pointed at it. */
export async function startKubernetes(options: { images?: Record<string, ImageCommand>; eventWindow?: number } = {}): Promise<KubeWorld> {
  const fake = new FakeKubernetes({ token: KUBE_TOKEN, images: { [RUNNER_IMAGE]: runnerImage(), ...options.images }, ...(options.eventWindow ? { eventWindow: options.eventWindow } : {}) });
  await fake.start();
  const dir = await mkdtemp(join(tmpdir(), 'forgebot-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, fake.kubeconfig(), { mode: 0o600 });
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const api = createRunnerJobsApi(config, 'default', createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  return {
    fake, kubeconfigPath, api,
    async stop() {
      await fake.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
