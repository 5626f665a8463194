#!/usr/bin/env node
// Bundles each app's TypeScript entry point into one ESM file under dist/apps/<name>/main.js.
// Workspace libraries (@pacs/*) are inlined through the tsconfig paths; npm packages stay
// external and are resolved from node_modules at run time. The web UI (apps/web-ui, Vite) is
// built into dist/web-ui: with no arguments, or when "web-ui" is named.
import { build } from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { buildWebUi } from './build-web-ui.mjs';

const apps = readdirSync('apps', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`apps/${d.name}/src/main.ts`))
  .map((d) => d.name);
const UI = 'web-ui';
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== UI && !apps.includes(a));
if (unknown.length > 0) {
  console.error(`build: unknown app(s) ${unknown.join(', ')}; known: ${[...apps, UI].join(', ')}`);
  process.exit(2);
}
const wanted = args.filter((a) => a !== UI);
for (const app of args.length > 0 ? wanted : apps) {
  await build({
    entryPoints: [`apps/${app}/src/main.ts`],
    outfile: `dist/apps/${app}/main.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
  });
}
if (args.length === 0 || args.includes(UI)) await buildWebUi();
