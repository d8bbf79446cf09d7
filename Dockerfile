# Chatroom server image (also runs the terminal client: `node bin/chatroom.js`).
# Build: docker build -t chatroom .   Run: docker run -p 5050:5050 -v chatroom-data:/app/data chatroom
# Several nodes: see docker-compose.yml and docs/scaling-out.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, the web client and server bundles, then production dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# argon2 and better-sqlite3 ship prebuilt binaries for linux x64/arm64; the toolchain is
# only for platforms without one.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies, the server bundle and the web client (dist/), and the
# sources of the terminal client (run through tsx by bin/chatroom.js) ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=5050 \
    ANNOUNCEMENT_FILE=/app/data/announcement.txt
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/dist ./dist
# SQLite (the default DATABASE_URL, ./data/chatroom.db) and the announcement file live here.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 5050
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 5050) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# One process (no npm or tsx wrapper), so SIGTERM reaches the server: graceful shutdown.
CMD ["node", "dist/server/main.mjs"]
