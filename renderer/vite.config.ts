/**
 * Builds the renderer into `dist/renderer` (`npm run build:renderer`). `base: './'` makes every
 * asset URL relative so the same build loads from the loopback web host and from Electron.
 * No React plugin: Vite's built-in Oxc transform compiles JSX (automatic runtime); the app has
 * no dev-server hot reload needs.
 */
import { defineConfig } from 'vite';

/** This folder as a file-system path, without Node built-ins (renderer/ never imports them). */
const here = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs: the CSP allows fonts from 'self' only.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
  },
});
