import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web interface: built by `npm run build` into dist/web, served by the API under /app (apps/api/src/web-app).
 * Vite compiles the JSX itself (no React plugin: its Babel would clash with jest's). WEB_OUT_DIR lets a test build
 * into a folder of its own.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    alias: { '@piao/api-client': fileURLToPath(new URL('../../libs/api-client/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: process.env.WEB_OUT_DIR ?? fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // react-bootstrap marks its modules "use client" (for server components, which this page has none of).
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
