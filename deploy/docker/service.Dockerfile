# syntax=docker/dockerfile:1
# The service image: `forgebot server | worker | agent-worker` (and the operator CLI), compiled JavaScript only.
# Build from the repository root:  docker build -f deploy/docker/service.Dockerfile -t forgebot .
# Debian (glibc) on purpose: the Temporal native bridge ships no musl build. Pin the digest for a release:
#   docker build --build-arg NODE_IMAGE=node:24.21.0-trixie-slim@sha256:<digest> …  (see deploy/README.md)
ARG NODE_IMAGE=node:24.21.0-trixie-slim

# 1. Compile with every dependency (TypeScript is a devDependency): `npm run build` → dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `forgebot eval` (src/cli/commands/eval.ts) imports the evaluation harness and one test helper: they compile with it.
COPY bench/eval ./bench/eval
COPY test/helpers/git-repo.ts ./test/helpers/git-repo.ts
RUN npm run build

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --loglevel=error

# 3. Run: production node_modules, dist/ and bin/; no sources, no compiler, no package manager.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOME=/tmp
# A fixed non-root identity matching the chart's runAsUser.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && groupadd --gid 10001 forgebot \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin forgebot
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
USER 10001:10001
# bin/forgebot.js runs dist/src/cli/main.js (there is no src/ here to fall back to).
ENTRYPOINT ["node", "/app/bin/forgebot.js"]
CMD ["--help"]
