import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard's front end (src/ui) → dist/ui, served by `glassbox serve` (src/server/ui-bundle.ts names
 * the folder). Relative asset paths, one module script and no inline code, so the server's strict
 * Content-Security-Policy holds; `GLASSBOX_UI_OUT` builds elsewhere (the browser tests build into a
 * temporary folder).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/ui', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: process.env.GLASSBOX_UI_OUT ?? fileURLToPath(new URL('./dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
});
