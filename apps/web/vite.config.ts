// Vite builds the UI into dist/, which the hub serves on its own port (apps/hub/src/api/ui.ts).
// `npm run dev -w @cellfleet/web` proxies /api to a running hub (CELLFLEET_HUB, default :8080).
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const hub = process.env['CELLFLEET_HUB'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  // Absolute asset URLs: the hub mounts the UI at / and answers deep paths with index.html,
  // so assets must not resolve relative to the requested path.
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { proxy: { '/api': { target: hub, changeOrigin: false } } },
});
