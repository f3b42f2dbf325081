import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from './store.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Mount {
  name: string;
  mountPath: string;
}
export interface ContainerSpec {
  name: string;
  image: string;
  workingDir?: string;
  env?: EnvVar[];
  volumeMounts?: Mount[];
}
interface Volume {
  name: string;
  emptyDir?: object;
  secret?: { secretName: string; items?: { key: string; path: string }[]; defaultMode?: number };
}

/** The container's environment with secretKeyRefs resolved; or the reason it cannot be made (as the kubelet says). */
export function resolveEnv(store: ObjectStore, namespace: string, container: ContainerSpec): { env: Record<string, string> } | { problem: string } {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) {
      env[variable.name] = variable.value ?? '';
      continue;
    }
    const secret = store.get('secrets', namespace, ref.name);
    const data = secret?.data as Record<string, string> | undefined;
    const encoded = data?.[ref.key];
    if (encoded === undefined) {
      if (ref.optional) continue;
      return { problem: secret ? `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}` : `secret "${ref.name}" not found` };
    }
    env[variable.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return { env };
}

/**
 * One temporary folder per mounted volume, by mount path: empty for an emptyDir, the Secret's keys as files for a
 * secret volume. A Secret that is not there yet is the kubelet's FailedMount: nothing is made, the pod waits.
 */
export async function makeMounts(store: ObjectStore, namespace: string, volumes: Volume[], mounts: Mount[]): Promise<{ mounts: Map<string, string> } | { problem: string }> {
  const used = mounts.map((mount) => ({ mount, volume: volumes.find((candidate) => candidate.name === mount.name) }));
  for (const { mount, volume } of used) {
    if (!volume?.emptyDir && !volume?.secret) return { problem: `volume ${mount.name}: only emptyDir and secret volumes are simulated` };
    if (volume.secret && !store.get('secrets', namespace, volume.secret.secretName)) {
      return { problem: `MountVolume.SetUp failed for volume "${mount.name}" : secret "${volume.secret.secretName}" not found` };
    }
  }
  const byPath = new Map<string, string>();
  for (const { mount, volume } of used) {
    const dir = await mkdtemp(join(tmpdir(), `fake-kubelet-${mount.name}-`));
    byPath.set(mount.mountPath, dir);
    if (!volume?.secret) continue;
    const data = (store.get('secrets', namespace, volume.secret.secretName)?.data ?? {}) as Record<string, string>;
    const items = volume.secret.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const item of items) {
      if (data[item.key] === undefined) return { problem: `MountVolume.SetUp failed for volume "${mount.name}" : key ${item.key} not in secret` };
      await writeFile(join(dir, item.path), Buffer.from(data[item.key]!, 'base64'), { mode: volume.secret.defaultMode ?? 0o644 });
    }
  }
  return { mounts: byPath };
}

/** A path inside the container as the host path it is mounted from (unchanged when it is in no mount). */
export function hostPath(path: string, mounts: Map<string, string>): string {
  for (const [mountPath, dir] of mounts) {
    if (path === mountPath) return dir;
    if (path.startsWith(`${mountPath}/`)) return join(dir, path.slice(mountPath.length + 1));
  }
  return path;
}
