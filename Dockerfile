# mcp-tool-server container image.
#   docker build -t mcp-tool-server .
#   docker run -p 8000:8000 -e API_KEY_PRIMARY=<at least 16 characters> mcp-tool-server
# ENVIRONMENT=production here, so the server refuses to boot without API_KEY_PRIMARY.

# ---- deps: every dependency, for the build
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# .npmrc: onnxruntime-node's install script must not fetch optional CUDA files from outside the npm registry.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund

# ---- build: compile TypeScript to dist/
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- prod-deps: runtime dependencies only
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# onnxruntime-node (the local: embedder) ships binaries for every platform: keep this one's (~45 of 288 MB).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && arch="$(node -p process.arch)" \
  && find node_modules/onnxruntime-node/bin -mindepth 3 -maxdepth 3 -type d ! -path "*/linux/$arch" -exec rm -rf {} +

# ---- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# The node user owns the app folder so that LOG_OUTPUT=file|both can create ./logs.
RUN chown node:node /app
COPY --chown=node:node package.json ./
COPY --chown=node:node --from=prod-deps /app/node_modules ./node_modules
COPY --chown=node:node --from=build /app/dist ./dist
COPY --chown=node:node corpus ./corpus
COPY --chown=node:node examples ./examples
ENV ENVIRONMENT=production HOST=0.0.0.0 PORT=8000
USER node
EXPOSE 8000
# The slim image has no curl: node itself asks for /health/live (needs HEALTH_CHECK_ENABLED=true).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const r = require('http').get('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health/live', (res) => process.exit(res.statusCode === 200 ? 0 : 1)); r.on('error', () => process.exit(1)); r.setTimeout(4000, () => process.exit(1));"]
# SIGTERM drains in-flight requests (SHUTDOWN_TIMEOUT_SECONDS) before the process exits.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
