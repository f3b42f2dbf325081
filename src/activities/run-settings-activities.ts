import type { RunSettings } from '../workflows/definitions.js';

/** Hands workflows the worker's current settings, once per run of their loop (debounce, agent timeouts …). */
export function createRunSettingsActivities(settings: RunSettings | (() => RunSettings)) {
  return {
    async readRunSettings(): Promise<RunSettings> {
      return typeof settings === 'function' ? settings() : settings;
    },
  };
}

export type RunSettingsActivities = ReturnType<typeof createRunSettingsActivities>;
