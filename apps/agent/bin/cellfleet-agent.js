#!/usr/bin/env node
// `npm exec -- cellfleet-agent …` in a checkout: the TypeScript entry point, run by the Node 24
// that `npm exec` puts first on PATH (the pinned `node` devDependency).
import '../src/main.ts';
