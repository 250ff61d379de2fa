// Read by vite-plugin-svelte and svelte-check: TypeScript in <script lang="ts"> via Vite.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default { preprocess: vitePreprocess() };
