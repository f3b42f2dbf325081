// Redaction of known secrets in every form they take in text forgebot handles, and of every field of a result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsSecret, redactDeep, redactSecrets, secretForms } from '../src/domain/redact.js';

const SECRET = 'runner-clone-secret-Z9"q\\/+x';
const plain = (text: string) => !text.includes(SECRET) && !secretForms(SECRET).some((form) => text.includes(form));

test('a known secret is redacted as it is, JSON-escaped, URL-encoded, in hex and in base64 at any alignment', () => {
  const b64 = (prefix: string) => Buffer.from(`${prefix}${SECRET}tail`).toString('base64');
  const samples = [
    `token=${SECRET}`,
    JSON.stringify({ token: SECRET }),
    `https://x.example/?t=${encodeURIComponent(SECRET)}`,
    Buffer.from(SECRET).toString('hex'),
    Buffer.from(SECRET).toString('hex').toUpperCase(),
    b64(''), b64('a'), b64('ab'),
    Buffer.from(`ab${SECRET}`).toString('base64url'),
  ];
  for (const sample of samples) {
    const clean = redactSecrets(sample, [SECRET]);
    assert.ok(clean.includes('[redacted]'), `redacted in ${sample}`);
    assert.ok(plain(clean), `nothing of it left in ${clean}`);
    assert.ok(containsSecret(sample, [SECRET]));
  }
});

test('a secret split across lines (a wrapped paste, a string concatenated over lines) is redacted', () => {
  const wrapped = `${SECRET.slice(0, 9)}\n${SECRET.slice(9, 15)}\n  ${SECRET.slice(15)}`;
  assert.equal(redactSecrets(`key: ${wrapped} end`, [SECRET]), 'key: [redacted] end');
  const escapedNewlines = `"${SECRET.slice(0, 12)}\\n${SECRET.slice(12)}"`;
  assert.ok(!redactSecrets(escapedNewlines, [SECRET]).includes(SECRET.slice(12)));
});

test('ordinary text and short values are left alone', () => {
  assert.equal(redactSecrets('nothing secret here, 12345678', [SECRET]), 'nothing secret here, 12345678');
  assert.equal(containsSecret('nothing secret here', [SECRET]), false);
  assert.equal(redactSecrets('the word main stays', ['main']), 'the word [redacted] stays', 'short secrets: only as they are');
});

test('every field of a result is redacted, the path included', () => {
  const result = { findings: [{ path: `src/${SECRET}.ts`, title: 'ok', body: `see ${Buffer.from(SECRET).toString('hex')}`, line: 3 }], notices: [encodeURIComponent(SECRET)], [SECRET]: true };
  const clean = redactDeep(result, [SECRET]);
  assert.ok(plain(JSON.stringify(clean)), JSON.stringify(clean));
  assert.equal(clean.findings[0]?.line, 3, 'numbers stay');
  assert.equal(clean.findings[0]?.title, 'ok');
});
