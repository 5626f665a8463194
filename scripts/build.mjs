#!/usr/bin/env node
// Bundles each app's TypeScript entry point into one ESM file under dist/apps/<name>/main.js.
// Workspace libraries (@pacs/*) are inlined through the tsconfig paths; npm packages stay
// external and are resolved from node_modules at run time.
import { build } from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';

const apps = readdirSync('apps', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`apps/${d.name}/src/main.ts`))
  .map((d) => d.name);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((a) => !apps.includes(a));
if (unknown.length > 0) {
  console.error(`build: unknown app(s) ${unknown.join(', ')}; known: ${apps.join(', ')}`);
  process.exit(2);
}
for (const app of wanted.length > 0 ? wanted : apps) {
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
