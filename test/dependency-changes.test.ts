// Dependency changes read from manifest and lock-file diffs (what the security specialist is told), on hand-written
// diffs in each tool's real format; odd input gives no changes and never an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependencyChanges, describeDependencyChanges, isDependencyFile } from '../src/agents/specialists/dependency-changes.js';

const diff = (path: string, body: string) => `diff --git a/${path} b/${path}\nindex 1111111..2222222 100644\n--- a/${path}\n+++ b/${path}\n${body}`;
const changesOf = (path: string, body: string) => dependencyChanges(path, diff(path, body)).map(({ file: _file, ...change }) => change);

test('package-lock.json v3: version bumps, added and removed packages, nested and scoped entries', () => {
  const body = `@@ -9,7 +9,8 @@
       "version": "1.0.0",
       "dependencies": {
         "express": "^4.18.2",
-        "lodash": "^4.17.20"
+        "lodash": "^4.17.21",
+        "left-pad": "^1.3.0"
       }
     },
@@ -420,10 +421,16 @@
       "dev": true
     },
     "node_modules/lodash": {
-      "version": "4.17.20",
-      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz",
-      "integrity": "sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA=="
+      "version": "4.17.21",
+      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
+      "integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="
+    },
+    "node_modules/left-pad": {
+      "version": "1.3.0",
+      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
+      "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ/Kd6V0Ub3wA5BYcrS3+7OnGG6Z7zJHYz7ib/Ml8xVg5s+A=="
     },
     "node_modules/media-typer": {
@@ -600,15 +607,6 @@
       "license": "MIT"
     },
-    "node_modules/@types/debug": {
-      "version": "4.1.12",
-      "dev": true,
-      "dependencies": {
-        "@types/ms": "*"
-      }
-    },
     "node_modules/send/node_modules/ms": {
-      "version": "2.0.0",
+      "version": "2.1.3",
       "license": "MIT"
     },`;
  assert.deepEqual(changesOf('package-lock.json', body), [
    { name: 'lodash', change: 'changed', from: '4.17.20', to: '4.17.21' },
    { name: 'left-pad', change: 'added', to: '1.3.0' },
    { name: 'ms', change: 'changed', from: '2.0.0', to: '2.1.3' },
    { name: '@types/debug', change: 'removed', from: '4.1.12' },
  ]);
});

test('yarn.lock classic and berry entries; a new range on an unchanged version is no change', () => {
  const classic = `@@ -1200,10 +1200,14 @@ lodash.merge@^4.6.2:
   integrity sha512-0KpjqXRVvrYyCsX1swR/XTK0va6VQkQM6MNo7PqW77ByjAhoARA8EfrP1N4+KlKj8YS0ZUCtRT/YUuhyYDujIQ==
 
-lodash@^4.17.20:
-  version "4.17.20"
-  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.20.tgz#b44a9b6297bcb698f1c51a3545a2b3b368d59c52"
+lodash@^4.17.20, lodash@^4.17.21:
+  version "4.17.21"
+  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c"
 
-ms@2.1.2:
+ms@2.1.2, ms@^2.1.1:
   version "2.1.2"
   resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.2.tgz#d09d1f357b443f493382a8eb3ccd183872ae6009"
+
+"@babel/core@^7.12.3", "@babel/core@^7.23.0":
+  version "7.24.0"
+  resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.24.0.tgz#56cbda6b185ae9d9bed369816a8f4423c5f2ff1b"`;
  assert.deepEqual(changesOf('yarn.lock', classic), [
    { name: 'lodash', change: 'changed', from: '4.17.20', to: '4.17.21' },
    { name: '@babel/core', change: 'added', to: '7.24.0' },
  ]);
  const berry = `@@ -3001,9 +3001,9 @@ __metadata:
   languageName: node
   linkType: hard
 
-"typescript@npm:^5.3.0":
-  version: 5.3.3
-  resolution: "typescript@npm:5.3.3"
+"typescript@npm:^5.4.0":
+  version: 5.4.5
+  resolution: "typescript@npm:5.4.5"
   bin:`;
  assert.deepEqual(changesOf('web/yarn.lock', berry), [{ name: 'typescript', change: 'changed', from: '5.3.3', to: '5.4.5' }]);
});

test('pnpm-lock.yaml v9 (packages and snapshots) and v5 keys; importer entries are not counted twice', () => {
  const v9 = `@@ -10,8 +10,8 @@ importers:
       lodash:
-        specifier: ^4.17.20
-        version: 4.17.20
+        specifier: ^4.17.21
+        version: 4.17.21
@@ -120,8 +120,11 @@ packages:
-  lodash@4.17.20:
-    resolution: {integrity: sha512-aaa}
+  lodash@4.17.21:
+    resolution: {integrity: sha512-bbb}
 
+  '@babel/core@7.24.0':
+    resolution: {integrity: sha512-ccc}
+    engines: {node: '>=6.9.0'}
@@ -300,6 +303,6 @@ snapshots:
-  lodash@4.17.20: {}
+  lodash@4.17.21: {}
 
-  '@testing-library/react@14.0.0(react-dom@18.2.0(react@18.2.0))(react@18.2.0)':
+  '@testing-library/react@14.2.1(react-dom@18.2.0(react@18.2.0))(react@18.2.0)':`;
  assert.deepEqual(changesOf('pnpm-lock.yaml', v9), [
    { name: 'lodash', change: 'changed', from: '4.17.20', to: '4.17.21' },
    { name: '@babel/core', change: 'added', to: '7.24.0' },
    { name: '@testing-library/react', change: 'changed', from: '14.0.0', to: '14.2.1' },
  ]);
  const v5 = `@@ -50,7 +50,7 @@ packages:
-  /@babel/types/7.23.0:
+  /@babel/types/7.24.0:
     resolution: {integrity: sha512-ddd}
-  /debug/4.3.4_supports-color@8.1.1:
+  /debug/4.3.5_supports-color@8.1.1:`;
  assert.deepEqual(changesOf('pnpm-lock.yaml', v5), [
    { name: '@babel/types', change: 'changed', from: '7.23.0', to: '7.24.0' },
    { name: 'debug', change: 'changed', from: '4.3.4', to: '4.3.5' },
  ]);
});

test('package.json: dependency blocks only (scripts and the package version are not dependencies)', () => {
  const body = `@@ -1,6 +1,6 @@
 {
   "name": "shop",
-  "version": "1.2.0",
+  "version": "1.3.0",
   "private": true,
@@ -20,12 +20,13 @@
   "dependencies": {
     "express": "^4.18.2",
-    "jsonwebtoken": "^8.5.1",
+    "jsonwebtoken": "^9.0.2",
+    "node-fetch": "github:someone/node-fetch#main",
     "zod": "^3.22.4"
   },
   "devDependencies": {
-    "mocha": "^10.2.0",
     "typescript": "^5.4.5"
   },
   "scripts": {
-    "test": "mocha",
+    "test": "node --test",
@@ -60,3 +61,4 @@
     "vitest": "^1.4.0",
+    "left-pad": "1.3.0",
     "yaml": "^2.3.4"`;
  assert.deepEqual(changesOf('packages/shop/package.json', body), [
    { name: 'jsonwebtoken', change: 'changed', from: '^8.5.1', to: '^9.0.2' },
    { name: 'node-fetch', change: 'added', to: 'github:someone/node-fetch#main' },
    { name: 'left-pad', change: 'added', to: '1.3.0' },
    { name: 'mocha', change: 'removed', from: '^10.2.0' },
  ]);
});

test('requirements.txt, poetry.lock and Pipfile.lock', () => {
  const requirements = `@@ -1,6 +1,7 @@
 # Web
-Django==4.2.7
+Django==4.2.11
 djangorestframework>=3.14,<4
-PyYAML==5.4.1
+pyyaml==6.0.1 \\
+    --hash=sha256:bfdf460b1736c775f2ba9f6a92bca30bc2095067b8a9d77876d1fad6cc3b4a43
+requests[security]==2.31.0 ; python_version >= "3.8"
 -r base.txt
-celery`;
  assert.deepEqual(changesOf('requirements-prod.txt', requirements), [
    { name: 'django', change: 'changed', from: '4.2.7', to: '4.2.11' },
    { name: 'pyyaml', change: 'changed', from: '5.4.1', to: '6.0.1' },
    { name: 'requests', change: 'added', to: '2.31.0' },
    { name: 'celery', change: 'removed' },
  ]);
  const poetry = `@@ -300,14 +300,14 @@ files = [
 
 [[package]]
 name = "urllib3"
-version = "1.26.18"
+version = "2.2.1"
 description = "HTTP library with thread-safe connection pooling, file post, and more."
 optional = false
-python-versions = ">=2.7, !=3.0.*"
+python-versions = ">=3.8"`;
  assert.deepEqual(changesOf('poetry.lock', poetry), [{ name: 'urllib3', change: 'changed', from: '1.26.18', to: '2.2.1' }]);
  const pipfile = `@@ -120,11 +120,11 @@
         },
         "requests": {
             "hashes": [
-                "sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f",
-                "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1"
+                "sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760",
+                "sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"
             ],
             "index": "pypi",
-            "version": "==2.31.0"
+            "version": "==2.32.3"
         },`;
  assert.deepEqual(changesOf('Pipfile.lock', pipfile), [{ name: 'requests', change: 'changed', from: '2.31.0', to: '2.32.3' }]);
});

test('go.mod (require block, replace) and go.sum (one change per module version, go.mod lines included)', () => {
  const gomod = `@@ -1,9 +1,12 @@ module example.com/shop
 go 1.22
 
 require (
-	github.com/golang-jwt/jwt/v4 v4.5.0
+	github.com/golang-jwt/jwt/v5 v5.2.1
 	github.com/jackc/pgx/v5 v5.5.5
-	golang.org/x/crypto v0.17.0
+	golang.org/x/crypto v0.21.0
+	go.uber.org/zap v1.27.0 // indirect
 )
+
+replace github.com/jackc/pgx/v5 => github.com/someone/pgx/v5 v5.5.6-fork`;
  assert.deepEqual(changesOf('go.mod', gomod), [
    { name: 'github.com/golang-jwt/jwt/v5', change: 'added', to: 'v5.2.1' },
    { name: 'golang.org/x/crypto', change: 'changed', from: 'v0.17.0', to: 'v0.21.0' },
    { name: 'go.uber.org/zap', change: 'added', to: 'v1.27.0' },
    { name: 'github.com/jackc/pgx/v5', change: 'added', to: '=> github.com/someone/pgx/v5 v5.5.6-fork' },
    { name: 'github.com/golang-jwt/jwt/v4', change: 'removed', from: 'v4.5.0' },
  ]);
  const gosum = `@@ -10,6 +10,6 @@
 github.com/jackc/pgx/v5 v5.5.5 h1:amBjrZVmksIdNjxGW/IiIMzxMKZFelXbUoPNb+8sjQw=
-golang.org/x/crypto v0.17.0 h1:r8bRNjWL3GshPW3gkd+RpvzWrZAwPS49OmTGZ/uhM4k=
-golang.org/x/crypto v0.17.0/go.mod h1:gCAAfMLgwOJRpTjQ2zCCt2OcSfYMTeZVSRtQlPC7Nq4=
+golang.org/x/crypto v0.21.0 h1:X31++rzVUdKhX5sWmSOFZxx8UW/ldWx55cbf08iNAMA=
+golang.org/x/crypto v0.21.0/go.mod h1:0BP7YvVV9gBbVKyeTG0Gyn+gZm94bibOW5BjDEYAOMs=`;
  assert.deepEqual(changesOf('go.sum', gosum), [{ name: 'golang.org/x/crypto', change: 'changed', from: 'v0.17.0', to: 'v0.21.0' }]);
});

test('composer.json (require blocks, not autoload) and composer.lock (package entries, not authors)', () => {
  const manifest = `@@ -5,8 +5,9 @@
     "require": {
         "php": ">=8.1",
-        "guzzlehttp/guzzle": "^7.5",
+        "guzzlehttp/guzzle": "^7.8",
+        "firebase/php-jwt": "^6.10",
         "monolog/monolog": "^3.0"
     },
     "autoload": {
         "psr-4": {
-            "App\\\\": "src/"
+            "App\\\\": "app/"`;
  assert.deepEqual(changesOf('composer.json', manifest), [
    { name: 'guzzlehttp/guzzle', change: 'changed', from: '^7.5', to: '^7.8' },
    { name: 'firebase/php-jwt', change: 'added', to: '^6.10' },
  ]);
  const lock = `@@ -8,12 +8,12 @@
     "packages": [
         {
             "name": "guzzlehttp/guzzle",
-            "version": "7.5.0",
+            "version": "7.8.1",
             "source": {
                 "type": "git",
@@ -900,6 +900,20 @@
+        {
+            "name": "firebase/php-jwt",
+            "version": "v6.10.0",
+            "authors": [
+                {
+                    "name": "Neuman Vong",
+                    "email": "neuman+pear@twilio.com",
+                    "role": "Developer"
+                }
+            ],
+            "description": "A simple library to encode and decode JSON Web Tokens (JWT) in PHP."
+        },`;
  assert.deepEqual(changesOf('composer.lock', lock), [
    { name: 'guzzlehttp/guzzle', change: 'changed', from: '7.5.0', to: '7.8.1' },
    { name: 'firebase/php-jwt', change: 'added', to: 'v6.10.0' },
  ]);
});

test('odd input gives no changes and never throws: garbage, huge lines, a truncated hunk, unknown files', () => {
  const garbage = ['', '@@', '@@ -1 +1 @@\n+{{{{\n-"version":\n+"node_modules/": {', '\u0000\uFFFF'.repeat(5_000), `@@ -1 +1 @@\n+${'a@'.repeat(50_000)}:`, '+' + '"x": {'.repeat(100_000)];
  const files = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'package.json', 'requirements.txt', 'poetry.lock', 'Pipfile.lock', 'go.mod', 'go.sum', 'composer.json', 'composer.lock'];
  for (const file of files) {
    assert.ok(isDependencyFile(file), file);
    for (const text of garbage) assert.deepEqual(dependencyChanges(file, text), [], `${file} on ${JSON.stringify(text.slice(0, 40))}`);
  }
  assert.equal(isDependencyFile('src/package.ts'), false);
  assert.deepEqual(dependencyChanges('src/app.ts', diff('src/app.ts', '@@ -1 +1 @@\n-lodash==1\n+lodash==2')), []);
  // A version line whose entry began before the hunk is not guessed at.
  assert.deepEqual(changesOf('package-lock.json', '@@ -5,3 +5,3 @@\n-      "version": "1.0.0",\n+      "version": "1.0.1",\n       "license": "MIT"'), []);
});

test('the description is one line per change, bounded, with only package-name characters', () => {
  const changes = dependencyChanges('package.json', diff('package.json', `@@ -1,3 +1,4 @@\n   "dependencies": {\n+    "evil\`\\n<b>": "^1.0.0",\n+    "ok": "^2.0.0"\n   }`));
  assert.deepEqual(describeDependencyChanges(changes), ['package.json: added evil??n<b> ^1.0.0', 'package.json: added ok ^2.0.0']);
  const many = Array.from({ length: 150 }, (_, index) => ({ file: 'go.sum', name: `m${index}`, from: 'v1', to: 'v2', change: 'changed' as const }));
  const lines = describeDependencyChanges(many);
  assert.equal(lines.length, 101);
  assert.equal(lines[0], 'go.sum: m0 v1 → v2');
  assert.equal(lines.at(-1), '… and 50 more');
});
