// The Pod Security Standards' "restricted" profile (which includes "baseline"), as Pod Security Admission checks it at
// version "latest": each control of https://kubernetes.io/docs/concepts/security/pod-security-standards/ as a
// function of the pod. A pod is admitted by a namespace labelled `pod-security.kubernetes.io/enforce: restricted`
// when `restrictedViolations` finds nothing.
import type { V1Capabilities, V1PodSpec, V1SecurityContext } from '@kubernetes/client-node';

export interface PodLike {
  metadata?: { annotations?: Record<string, string> };
  spec: V1PodSpec;
}

interface AnyContainer {
  name: string;
  securityContext?: V1SecurityContext;
  ports?: { hostPort?: number }[];
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image']);

function containersOf(spec: V1PodSpec): AnyContainer[] {
  return [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
}

const capabilities = (c: AnyContainer): V1Capabilities => c.securityContext?.capabilities ?? {};

/** Every control of the restricted profile the pod breaks, as `control: detail`; empty when it is admitted. */
export function restrictedViolations(pod: PodLike): string[] {
  const { spec } = pod;
  const podContext = spec.securityContext ?? {};
  const containers = containersOf(spec);
  const annotations = pod.metadata?.annotations ?? {};
  const problems: string[] = [];
  const check = (ok: boolean, control: string, detail: string) => {
    if (!ok) problems.push(`${control}: ${detail}`);
  };

  // Baseline
  check(podContext.windowsOptions?.hostProcess !== true && containers.every((c) => c.securityContext?.windowsOptions?.hostProcess !== true), 'HostProcess', 'windowsOptions.hostProcess is set');
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) check(spec[field] !== true, 'Host Namespaces', `${field} is true`);
  for (const c of containers) {
    check(c.securityContext?.privileged !== true, 'Privileged Containers', `${c.name} is privileged`);
    for (const added of capabilities(c).add ?? []) check(BASELINE_CAPABILITIES.has(added), 'Capabilities', `${c.name} adds ${added}`);
    for (const port of c.ports ?? []) check(!port.hostPort, 'Host Ports', `${c.name} uses hostPort ${port.hostPort}`);
    check(!c.securityContext?.procMount || c.securityContext.procMount === 'Default', '/proc Mount Type', `${c.name} has procMount ${c.securityContext?.procMount}`);
  }
  for (const volume of spec.volumes ?? []) check(!volume.hostPath, 'HostPath Volumes', `volume ${volume.name} is a hostPath`);
  for (const context of [podContext, ...containers.map((c) => c.securityContext ?? {})]) {
    const appArmor = context.appArmorProfile?.type;
    check(!appArmor || appArmor === 'RuntimeDefault' || appArmor === 'Localhost', 'AppArmor', `profile ${appArmor}`);
    const selinux = context.seLinuxOptions;
    check(!selinux || (SELINUX_TYPES.has(selinux.type ?? '') && !selinux.user && !selinux.role), 'SELinux', `seLinuxOptions ${JSON.stringify(selinux)}`);
    check(context.seccompProfile?.type !== 'Unconfined', 'Seccomp', 'a seccomp profile is Unconfined');
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/')) check(value === 'runtime/default' || value.startsWith('localhost/'), 'AppArmor', `${key}: ${value}`);
  }
  for (const sysctl of podContext.sysctls ?? []) check(SAFE_SYSCTLS.has(sysctl.name), 'Sysctls', `${sysctl.name} is not a safe sysctl`);

  // Restricted
  for (const volume of spec.volumes ?? []) {
    for (const type of Object.keys(volume).filter((key) => key !== 'name')) check(RESTRICTED_VOLUME_TYPES.has(type), 'Volume Types', `volume ${volume.name} is a ${type}`);
  }
  for (const c of containers) {
    check(c.securityContext?.allowPrivilegeEscalation === false, 'Privilege Escalation', `${c.name} does not set allowPrivilegeEscalation: false`);
    check(c.securityContext?.runAsNonRoot !== false, 'Running as Non-root', `${c.name} sets runAsNonRoot: false`);
    check(podContext.runAsNonRoot === true || c.securityContext?.runAsNonRoot === true, 'Running as Non-root', `neither the pod nor ${c.name} sets runAsNonRoot: true`);
    check(c.securityContext?.runAsUser !== 0, 'Running as Non-root user', `${c.name} runs as UID 0`);
    const seccomp = c.securityContext?.seccompProfile?.type ?? podContext.seccompProfile?.type;
    check(seccomp === 'RuntimeDefault' || seccomp === 'Localhost', 'Seccomp', `${c.name} has no RuntimeDefault or Localhost seccomp profile`);
    check((capabilities(c).drop ?? []).includes('ALL'), 'Capabilities', `${c.name} does not drop ALL`);
    for (const added of capabilities(c).add ?? []) check(added === 'NET_BIND_SERVICE', 'Capabilities', `${c.name} adds ${added} (only NET_BIND_SERVICE may be added)`);
  }
  check(podContext.runAsUser !== 0, 'Running as Non-root user', 'the pod runs as UID 0');
  return problems;
}
