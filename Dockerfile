# syntax=docker/dockerfile:1
# mcp-switchboard as a container: `docker build -t mcp-switchboard .` at the repository root.
# The image serves Streamable HTTP on port 8765 with the config mounted at
# /etc/switchboard/router.yaml (deploy/kubernetes, deploy/compose; docs/scaling.md, "Deploying").
# test/unit/deploy-manifests.test.ts checks the paths and scripts this file relies on.

# Node 22: the oldest line still maintained, and within package.json's engines (>= 20).
ARG NODE_VERSION=22

# --- build: compile src/ to dist/ with the locked dev dependencies (TypeScript) ---
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No dependency needs an install script; refusing them keeps the build from running foreign code.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only (includes the reference MCP servers the examples run) ---
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini as PID 1: it reaps orphaned grandchildren of stdio backends (npx, shell wrappers), which a
# Node PID 1 does not, and passes SIGTERM on to the router, which then drains (shutdownGraceMs).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    SWITCHBOARD_CONFIG=/etc/switchboard/router.yaml \
    SWITCHBOARD_STATE_DIR=/var/lib/switchboard \
    SWITCHBOARD_HEALTH_URL=http://127.0.0.1:8765/healthz
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# dist/version.js reads ../package.json for the version it reports.
COPY package.json ./
# The listing cache (lazy servers) and OAuth tokens live in the state dir; with a read-only root
# file system, mount a volume there (the Kubernetes manifests use an emptyDir).
RUN mkdir -p /etc/switchboard /var/lib/switchboard && chown 1000:1000 /var/lib/switchboard
# The node image's "node" user, by number, so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8765
# fetch, not curl: the slim image has no curl. Point SWITCHBOARD_HEALTH_URL elsewhere if
# listen.port or listen.healthEndpoints change.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.SWITCHBOARD_HEALTH_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli/main.js"]
CMD ["serve", "--http", "--config", "/etc/switchboard/router.yaml"]
