import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface IssuedToken {
  token: string;
  installationId: number;
  expiresAt: number;
  permissions: Record<string, string>;
  /** Repository names the token is limited to; undefined: every repository of the installation. */
  repositories?: string[];
}

const base64url = (text: string) => Buffer.from(text, 'base64url');

/**
 * Checks an App JWT the way GitHub does: RS256, signed by the App's key, `iss` the App id, `exp` in the future and at
 * most 10 minutes after `iat`, `iat` not in the future (60 s of clock drift allowed). Returns the problem, or undefined.
 */
export function jwtProblem(jwt: string, appId: number, publicKey: KeyObject, now = Date.now()): string | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return 'A JSON web token could not be decoded';
  const alg = (JSON.parse(base64url(header).toString('utf8')) as { alg?: string }).alg;
  if (alg !== 'RS256') return `'alg' must be RS256`;
  if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, base64url(signature))) return 'A JSON web token could not be decoded';
  const claims = JSON.parse(base64url(payload).toString('utf8')) as { iss?: unknown; iat?: number; exp?: number };
  const seconds = now / 1000;
  if (String(claims.iss) !== String(appId)) return `'Issuer' claim ('iss') must be an Integer`;
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return `'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires`;
  if (typeof claims.iat !== 'number' || claims.iat > seconds + 60) return `'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued`;
  if (claims.exp - claims.iat > 600) return `'Expiration time' claim ('exp') is too far in the future`;
  return undefined;
}

/** The App side of the fake: its key, its installations' tokens. */
export class FakeApp {
  readonly publicKey: KeyObject;
  readonly tokens: IssuedToken[] = [];

  constructor(
    readonly id: number,
    readonly slug: string,
    privateKeyPem: string,
    private readonly tokenLifetimeMs: number,
    /** What the installations were granted (a token may be narrowed to less, never more). */
    readonly permissions: Record<string, string>,
  ) {
    this.publicKey = createPublicKey(privateKeyPem);
  }

  issue(installationId: number, permissions: Record<string, string>, repositories: string[] | undefined, now = Date.now()): IssuedToken {
    const token: IssuedToken = {
      token: `ghs_${randomBytes(18).toString('hex')}`,
      installationId,
      expiresAt: now + this.tokenLifetimeMs,
      permissions,
      ...(repositories ? { repositories } : {}),
    };
    this.tokens.push(token);
    return token;
  }

  /** A live installation token, or undefined (unknown or expired). */
  find(token: string, now = Date.now()): IssuedToken | undefined {
    return this.tokens.find((issued) => issued.token === token && issued.expiresAt > now);
  }

  /** Every token issued so far expires now (GitHub answers 401 Bad credentials to them). */
  expireAll(now = Date.now()): void {
    for (const token of this.tokens) token.expiresAt = Math.min(token.expiresAt, now);
  }
}
