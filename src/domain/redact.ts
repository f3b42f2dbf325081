/** Token-like strings that must never reach a prompt, a log, an error message or a comment. */
const SECRET_PATTERNS: RegExp[] = [
  /\bgl[a-z]{2,6}-[\w.-]{8,}/g, // GitLab personal, OAuth, deploy, runner, CI job, feed … tokens
  /sk-ant-[A-Za-z0-9_-]{10,}/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /xox[abpr]-[A-Za-z0-9-]{10,}/g,
  /AKIA[0-9A-Z]{16}/g,
  /Bearer\s+[\w.~+/-]{8,}=*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** Replaces token-like strings, and each of the given secrets, with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let clean = SECRET_PATTERNS.reduce((result, pattern) => result.replace(pattern, '[redacted]'), text);
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  return clean;
}
