import { findSentryMapping, type SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import type { SentryFixRunSettings } from './contracts.js';

/** The main worker's Sentry settings for every project: the mappings, and what applies to all. */
export interface SentryFixSettingsSource extends Omit<SentryFixRunSettings, 'mapping'> {
  mappings: readonly SentryProjectMapping[];
}

/** The plain values of the configuration (SENTRY_PROJECTS, SENTRY_DRY_RUN, SENTRY_URL, SENTRY_GATE_*, SENTRY_POLL_*, agent ones). */
export interface SentryFixConfigValues {
  projects: readonly SentryProjectMapping[];
  dryRun: boolean;
  sentryUrl: string;
  gateExpiryDays: number;
  gateReminderHours: number;
  pollIntervalSeconds: number;
  agentTaskQueue: string;
  agentTimeoutMs: number;
  agentHeartbeatTimeoutMs: number;
}

/** The source readSentryFixSettings answers from, in the units workflows use (ms). */
export function sentryFixSettingsFrom(values: SentryFixConfigValues): SentryFixSettingsSource {
  return {
    mappings: values.projects,
    globalDryRun: values.dryRun,
    sentryUrl: values.sentryUrl,
    gateExpiryMs: Math.round(values.gateExpiryDays * 86_400_000),
    gateReminderMs: Math.round(values.gateReminderHours * 3_600_000),
    pollIntervalMs: Math.round(values.pollIntervalSeconds * 1_000),
    agentTaskQueue: values.agentTaskQueue,
    agentTimeoutMs: values.agentTimeoutMs,
    agentHeartbeatTimeoutMs: values.agentHeartbeatTimeoutMs,
  };
}

/**
 * Hands the sentry-fix workflow the worker's current settings for one project, read when each attempt starts (a
 * changed configuration reaches the next attempt). An unmapped project has no `mapping`: never guessed.
 */
export function createSentrySettingsActivities(source: SentryFixSettingsSource | (() => SentryFixSettingsSource)) {
  return {
    async readSentryFixSettings(org: string, projectSlug: string): Promise<SentryFixRunSettings> {
      const { mappings, ...shared } = typeof source === 'function' ? source() : source;
      const mapping = findSentryMapping(mappings, org, projectSlug);
      return { ...shared, ...(mapping ? { mapping } : {}) };
    },
  };
}

export type SentrySettingsActivities = ReturnType<typeof createSentrySettingsActivities>;
