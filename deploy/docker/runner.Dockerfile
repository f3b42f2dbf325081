# syntax=docker/dockerfile:1
# The runner image: one Kubernetes Job per agent run clones the repository and runs the Claude tool loop.
# Build from the repository root:  docker build -f deploy/docker/runner.Dockerfile -t forgebot-runner .
# Debian (glibc), like the service image; pin the digest for a release (see deploy/README.md).
ARG NODE_IMAGE=node:24.21.0-trixie-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOME=/tmp
# git clones the change; ripgrep backs the search tool. No package manager at run time.
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
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
USER 10001:10001
ENTRYPOINT ["node", "/app/bin/forgebot-runner.js"]
