# syntax=docker/dockerfile:1
# One image for every PACS process: the Helm chart runs
# `node --initial-old-space-size=64 --max-semi-space-size=2 dist/apps/<name>/main.js` for
# scp-listener, indexer, qr-service, archiver and admin-api (the flags, and
# MALLOC_TRIM_THRESHOLD_ below: docs/adr/0002-memory-settings.md) and
# `node dist/apps/migrate/main.js` as a Job; without arguments it runs the embedded all-in-one
# mode. Runs as UID 10001 and writes only to /tmp and /data, so it works with a read-only root
# filesystem.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
# glibc keeps up to 16 MiB of freed memory instead of returning it at once: docs/adr/0002.
ENV NODE_ENV=production \
    MALLOC_TRIM_THRESHOLD_=16777216 \
    HOME=/tmp \
    PACS_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 11112 2762 8080 9464
CMD ["node", "--initial-old-space-size=64", "--max-semi-space-size=2", "dist/apps/all-in-one/main.js"]
