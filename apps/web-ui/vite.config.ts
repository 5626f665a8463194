// The web UI's build (issue 7): a React single-page app bundled into dist/web-ui, which
// admin-api serves at / (libs/service/admin-api/src/ui). `npx vite apps/web-ui` runs it in
// development against an admin-api on PACS_API_URL (default http://127.0.0.1:8080).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env['PACS_API_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web-ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: { proxy: { '/api': api, '/dicom-web': api } },
});
