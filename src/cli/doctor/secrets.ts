/** Variables whose values are credentials, by name (tokens, secrets, keys, passwords). */
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD/;

/**
 * Every credential in the environment: the values of variables named like one (each part of a comma-separated
 * rotation list too) and the password of any URL (DATABASE_URL, REDIS_URL). Read from the raw environment so that
 * `forgebot doctor` redacts them even when the configuration does not parse.
 */
export function secretsOf(env: Record<string, string | undefined>): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_NAME.test(name)) {
      secrets.add(value);
      for (const part of value.split(',')) if (part.trim()) secrets.add(part.trim());
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      try {
        const password = decodeURIComponent(new URL(value).password);
        if (password) secrets.add(password);
      } catch (error) {
        // Not a URL after all: nothing of it is a password.
        if (!(error instanceof TypeError || error instanceof URIError)) throw error;
      }
    }
  }
  return [...secrets];
}

/** `scheme://host:port/path` of a URL, without its user and password: what a check may say it reached. */
export function whereOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
