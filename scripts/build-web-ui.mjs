#!/usr/bin/env node
// Builds the web UI (apps/web-ui, Vite + React) into dist/web-ui, which admin-api serves at /
// (config http.uiDir). `node scripts/build-web-ui.mjs [outDir]` builds into another directory
// (the UI e2e test builds into a temporary one).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export async function buildWebUi(outDir = resolve(ROOT, 'dist/web-ui')) {
  const { build } = await import('vite');
  await build({
    configFile: resolve(ROOT, 'apps/web-ui/vite.config.ts'),
    build: { outDir: resolve(outDir), emptyOutDir: true },
    logLevel: 'warn',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWebUi(process.argv[2]);
}
