import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { findSentryMapping } from '../src/domain/sentry/project-mapping.js';

const web = { org: 'acme', project: 'web', forge: 'gitlab', projectId: 42, projectPath: 'acme/web' };
const api = { org: 'acme', project: 'api', forge: 'github', projectId: 'acme/api', projectPath: 'acme/api', defaultBranch: 'trunk', sourceRoot: 'services/api', pathRewrites: [{ from: '/app/', to: '' }], dryRun: true };

/** The problems loadConfig reports for `env` (it must refuse it). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('Sentry configuration', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'forgebot-sentry-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('defaults: no Sentry route, sentry.io, not dry, a 5-minute timestamp window, a 14-day gate reminded after 48 h', () => {
    const config = loadConfig({});
    assert.equal(config.SENTRY_CLIENT_SECRET, undefined);
    assert.equal(config.SENTRY_PROJECTS, undefined);
    assert.equal(config.SENTRY_TOKEN, undefined);
    assert.equal(config.SENTRY_URL, 'https://sentry.io');
    assert.equal(config.SENTRY_DRY_RUN, false);
    assert.equal(config.SENTRY_TIMESTAMP_TOLERANCE_SECONDS, 300);
    assert.equal(config.SENTRY_GATE_EXPIRY_DAYS, 14);
    assert.equal(config.SENTRY_GATE_REMINDER_HOURS, 48);
    assert.equal(config.SENTRY_POLL_INTERVAL_SECONDS, 300);
  });

  test('SENTRY_PROJECTS as inline JSON: every mapping parsed with its defaults; the secret list split for rotation', () => {
    const config = loadConfig({
      SENTRY_CLIENT_SECRET: ' new , old,',
      SENTRY_PROJECTS: JSON.stringify([web, api]),
      SENTRY_URL: 'https://sentry.example.com/',
      SENTRY_DRY_RUN: 'true',
      SENTRY_GATE_EXPIRY_DAYS: '0.5',
      SENTRY_GATE_REMINDER_HOURS: '2',
    });
    assert.deepEqual(config.SENTRY_CLIENT_SECRET, ['new', 'old']);
    assert.equal(config.SENTRY_URL, 'https://sentry.example.com');
    assert.equal(config.SENTRY_DRY_RUN, true);
    const [first, second] = config.SENTRY_PROJECTS ?? [];
    assert.deepEqual(
      { ...first },
      { ...web, defaultBranch: 'main', sourceRoot: '', pathRewrites: [], dryRun: false, minEvents: 1, minUsers: 0, dailyAttempts: 5, minConfidence: 0.7, testCommand: 'test', maxFiles: 5, maxLines: 200, labels: ['forgebot', 'sentry'], mergeOnApprove: false, approvals: 1 },
    );
    assert.equal(second?.defaultBranch, 'trunk');
    assert.equal(second?.dryRun, true);
    assert.equal(findSentryMapping(config.SENTRY_PROJECTS ?? [], 'ACME', 'Api'), second);
  });

  test('SENTRY_PROJECTS=@file reads a .json, .yml or .yaml file (absolute, or relative to the working directory)', async () => {
    await writeFile(join(dir, 'projects.json'), JSON.stringify([web]));
    await writeFile(join(dir, 'projects.yml'), '- org: acme\n  project: web\n  forge: gitlab\n  projectId: 42\n  projectPath: acme/web\n  errorTypes: [TypeError, KeyError]\n');
    await writeFile(join(dir, 'projects.yaml'), '[]\n');
    assert.equal(loadConfig({ SENTRY_PROJECTS: `@${join(dir, 'projects.json')}` }).SENTRY_PROJECTS?.[0]?.projectId, 42);
    const fromYaml = loadConfig({ SENTRY_PROJECTS: `@${relative(process.cwd(), join(dir, 'projects.yml'))}` }).SENTRY_PROJECTS;
    assert.deepEqual(fromYaml?.[0]?.errorTypes, ['TypeError', 'KeyError']);
    assert.deepEqual(loadConfig({ SENTRY_PROJECTS: `@${join(dir, 'projects.yaml')}` }).SENTRY_PROJECTS, []);
  });

  test('every problem of every mapping is reported at once, named by its position and slugs, no value echoed', () => {
    const problems = problemsOf({
      SENTRY_PROJECTS: JSON.stringify([
        { ...web, forge: 'bitbucket', maxFiles: 0 },
        { ...api, projectId: 'acme/other', token: 'glpat-SECRET-VALUE-1234' },
        { ...web, org: 'ACME', project: 'WEB', projectId: 'group/web' },
        { org: 'acme' },
        { ...web, project: 'has spaces', projectPath: 'SECRET-VALUE-5678' },
      ]),
      PORT: 'eighty',
    });
    const sentry = problems.filter((problem) => problem.startsWith('SENTRY_PROJECTS: '));
    const has = (pattern: RegExp) => assert.ok(sentry.some((problem) => pattern.test(problem)), `${pattern}\n${problems.join('\n')}`);
    has(/^SENTRY_PROJECTS: \[0\] \(acme\/web\) forge: /);
    has(/^SENTRY_PROJECTS: \[0\] \(acme\/web\) maxFiles: /);
    has(/^SENTRY_PROJECTS: \[1\] \(acme\/api\): Unrecognized key: "token"/);
    has(/^SENTRY_PROJECTS: \[3\] project: /);
    has(/^SENTRY_PROJECTS: \[3\] forge: /);
    has(/^SENTRY_PROJECTS: \[4\] project: /);
    assert.ok(problems.some((problem) => problem.startsWith('PORT: ')), 'the other variables are still checked');
    assert.doesNotMatch(problems.join('\n'), /SECRET-VALUE/);
  });

  test('problems a mapping alone cannot show: a project mapped twice, an id of the wrong forge', () => {
    const problems = problemsOf({
      SENTRY_PROJECTS: JSON.stringify([web, { ...api, projectId: 'acme/other' }, { ...web, org: 'ACME', project: 'WEB', projectId: 'group/web' }, { ...api, project: 'api2', projectId: 7 }]),
    });
    assert.deepEqual(problems, [
      'SENTRY_PROJECTS: [1] (acme/api) projectId: a GitHub projectId is owner/repo, the same as projectPath',
      'SENTRY_PROJECTS: [2] (ACME/WEB) projectId: a GitLab project id is a number',
      'SENTRY_PROJECTS: [2] (ACME/WEB): the same Sentry project as [0] (slugs compare case-insensitively)',
      'SENTRY_PROJECTS: [3] (acme/api2) projectId: a GitHub projectId is owner/repo, the same as projectPath',
    ]);
  });

  test('unreadable, unparsable or wrongly shaped documents are refused without quoting them', async () => {
    await writeFile(join(dir, 'broken.yml'), '- org: acme\n  project: [web\n  token: SECRET-VALUE-9\n');
    await writeFile(join(dir, 'projects.txt'), '[]');
    const cases: [string, RegExp][] = [
      ['[{"org": "acme", "token": "SECRET-VALUE-1"', /^SENTRY_PROJECTS: is not valid JSON/],
      [JSON.stringify({ org: 'acme' }), /^SENTRY_PROJECTS: \(list\): /],
      [`@${join(dir, 'missing.json')}`, /^SENTRY_PROJECTS: cannot read file .*missing\.json \(ENOENT\)$/],
      [`@${join(dir, 'projects.txt')}`, /^SENTRY_PROJECTS: file .*projects\.txt must end in \.json, \.yml or \.yaml$/],
      [`@${join(dir, 'broken.yml')}`, /^SENTRY_PROJECTS: file .*broken\.yml is not valid YAML/],
    ];
    for (const [value, expected] of cases) {
      const problems = problemsOf({ SENTRY_PROJECTS: value });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, expected);
      assert.doesNotMatch(problems[0]!, /SECRET-VALUE/);
    }
  });

  test('the secret needs a mapping, names at least one secret, and is never echoed; the gate reminder comes before its expiry', () => {
    assert.deepEqual(problemsOf({ SENTRY_CLIENT_SECRET: 'very-secret-value' }), ['SENTRY_PROJECTS: is required when SENTRY_CLIENT_SECRET is set (an unmapped project is never acted on)']);
    assert.deepEqual(problemsOf({ SENTRY_CLIENT_SECRET: ' , ', SENTRY_PROJECTS: '[]' }), ['SENTRY_CLIENT_SECRET: names no secret']);
    assert.deepEqual(problemsOf({ SENTRY_GATE_EXPIRY_DAYS: '1', SENTRY_GATE_REMINDER_HOURS: '24' }), ['SENTRY_GATE_REMINDER_HOURS: must be shorter than SENTRY_GATE_EXPIRY_DAYS']);
    const problems = problemsOf({ SENTRY_URL: 'ftp://very-secret-value', SENTRY_TIMESTAMP_TOLERANCE_SECONDS: '0', SENTRY_DRY_RUN: 'maybe', SENTRY_POLL_INTERVAL_SECONDS: 'often' });
    assert.deepEqual(problems.map((problem) => problem.split(':')[0]).sort(), ['SENTRY_DRY_RUN', 'SENTRY_POLL_INTERVAL_SECONDS', 'SENTRY_TIMESTAMP_TOLERANCE_SECONDS', 'SENTRY_URL']);
    assert.doesNotMatch(problems.join('\n'), /very-secret-value/);
  });
});
