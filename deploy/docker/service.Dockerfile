# syntax=docker/dockerfile:1
# The service image: `forgebot server | worker | agent-worker` (and the operator CLI).
# Build from the repository root:  docker build -f deploy/docker/service.Dockerfile -t forgebot .
# Debian (glibc) on purpose: the Temporal native bridge ships no musl build. Pin the digest for a release:
#   docker build --build-arg NODE_IMAGE=node:24.21.0-trixie-slim@sha256:<digest> …  (see deploy/README.md)
ARG NODE_IMAGE=node:24.21.0-trixie-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOME=/tmp
# No package manager at run time; a fixed non-root identity matching the chart's runAsUser.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && groupadd --gid 10001 forgebot \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin forgebot
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
USER 10001:10001
# There is no build step: bin/forgebot.js runs the TypeScript sources through tsx (a runtime dependency).
ENTRYPOINT ["node", "/app/bin/forgebot.js"]
CMD ["--help"]
