# Callflow in a container: the server with the builder, on SQLite in /data (a volume), or on the sandbox when no
# TELNYX_API_KEY is given. Node 20 on Debian bookworm (better-sqlite3 12 builds against it; see ../shared/STACK.md).
#   docker build -t callflow .
#   docker run -p 3000:3000 -v callflow-data:/data callflow
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsx builder/build.ts --force && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 CALLFLOW_DB=/data/callflow.db
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# /readyz: the database answers and every migration is applied (README "Operations").
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tsx runs the TypeScript sources as npm start does; the builder is built above.
CMD ["node", "--import", "tsx", "server/main.ts"]
