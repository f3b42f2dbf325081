# syntax=docker/dockerfile:1
# The runner image: one Kubernetes Job per agent run clones the repository and runs the Claude tool loop.
# Build from the repository root:  docker build -f deploy/docker/runner.Dockerfile -t forgebot-runner .
# Debian (glibc), like the service image; pin the digest for a release (see deploy/README.md).
ARG NODE_IMAGE=node:24.21.0-trixie-slim

# 1. Compile with every dependency (TypeScript is a devDependency): `npm run build` → dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build compiles all of src/, whose eval command imports the evaluation harness and one test helper.
COPY bench/eval ./bench/eval
COPY test/helpers/git-repo.ts ./test/helpers/git-repo.ts
RUN npm run build

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --loglevel=error

# 3. Run: production node_modules and dist/; no sources, no compiler, no package manager at run time.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOME=/tmp
# git clones the change; ripgrep backs the search tool.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ripgrep ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && groupadd --gid 10001 forgebot \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin forgebot \
 && mkdir -p /workspace && chown 10001:10001 /workspace
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json: "type": "module" for dist/.
COPY package.json ./
USER 10001:10001
ENTRYPOINT ["node", "/app/dist/src/agents/runner-main.js"]
