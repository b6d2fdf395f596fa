# The worker and the API (one image, two commands). Temporal itself runs elsewhere (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production SKIP_TEMPORAL_CLI=1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY domain ./domain
COPY platform ./platform
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
COPY scripts ./scripts
RUN mkdir -p /archive && chown node:node /archive
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
