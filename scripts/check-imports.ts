// The import rules of the repository (docs/architecture.md, "What may import what"), checked on
// every `npm test`:
//   1. A package is used through its public entry: no `@cellfleet/<pkg>/<path>` deep import, no
//      relative path into another workspace package, no `"exports": { "./*": … }` that would
//      make every file public.
//   2. Apps never import the test suites (`tests/`, `@cellfleet/tests`); only their own test
//      files may use `@cellfleet/testkit`.
//   3. Inside each app and package, no two rooms (a folder under src, or a file at src itself)
//      import each other, directly or round a longer loop.
//   4. The hub's folders stand on declared floors (HUB_FLOORS below): a folder imports only
//      folders on lower floors, so nothing runs back up.
//   5. The browser app (apps/web) takes only types from @cellfleet/protocol: a value import
//      bundles the protocol's compiled validators, whose eval the page's CSP refuses.
// Prints what breaks a rule, file by file, and exits 1; prints a one-line summary otherwise.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const SOURCE_DIRS = ['apps', 'packages', 'tests', 'bench', 'demo', 'scripts'];

/**
 * The hub's floors, lowest first. A folder may import folders on lower floors only; files at
 * apps/hub/src itself (the composition: hub.ts, http.ts, serve.ts, main.ts…) stand on top.
 */
export const HUB_FLOORS: readonly (readonly string[])[] = [
  ['kernel'],
  ['db'],
  ['broker', 'live', 'ingest'],
  ['audit'],
  ['auth', 'keys'],
  ['cells'],
  ['history'],
  ['snapshots'],
  ['actions'],
  ['ops', 'ui', 'notify', 'fleet'],
];
const TOP = '(src)';

interface Workspace {
  readonly name: string;
  readonly dir: string;
  readonly exports: Record<string, unknown>;
}

function workspaces(): Workspace[] {
  const out: Workspace[] = [];
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(join(ROOT, group))) {
      const pkg = join(ROOT, group, name, 'package.json');
      if (!existsSync(pkg)) continue;
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as {
        name: string;
        exports?: Record<string, unknown>;
      };
      out.push({ name: json.name, dir: join(ROOT, group, name), exports: json.exports ?? {} });
    }
  }
  const tests = JSON.parse(readFileSync(join(ROOT, 'tests/package.json'), 'utf8')) as { name: string };
  out.push({ name: tests.name, dir: join(ROOT, 'tests'), exports: {} });
  return out;
}

function* sourceFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push(m[1] ?? m[2] ?? '');
  return out.filter(Boolean);
}

/** An import or re-export clause: `type`?, then `x`, `{ … }`, `x, { … }` or `* as x`, then `from '…'`. */
const CLAUSE =
  /(?:^|[\s;])(?:import|export)\s+(type\s+)?((?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+)|[\w$]+)\s*from\s*['"]([^'"]+)['"]/g;

/** The specifiers a text imports or re-exports values from (not `import type` / `export type`). */
export function valueSpecifiers(text: string): string[] {
  return [...text.matchAll(CLAUSE)].filter((m) => !m[1]).map((m) => m[3] ?? '');
}

const isTestFile = (path: string) => /\.(test|test-support)\.ts$/.test(path);

/** Folder cycles in a graph of folder → folders it imports. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

/** A room of a source tree: its first folder under src; a file at src itself is a room of its own. */
const roomOf = (srcDir: string, file: string) => {
  const rel = relative(srcDir, file).split(sep);
  return rel.length > 1 ? `${rel[0]}/` : (rel[0] ?? TOP);
};

/** A hub room's floor: its folder's place in HUB_FLOORS; files at src itself stand on top. */
function floorOf(room: string): number | undefined {
  if (!room.endsWith('/')) return HUB_FLOORS.length;
  const i = HUB_FLOORS.findIndex((f) => f.includes(room.slice(0, -1)));
  return i < 0 ? undefined : i;
}

function main(): number {
  const ws = workspaces();
  const problems: string[] = [];
  const rel = (p: string) => relative(ROOT, p);
  const owner = (path: string) => ws.find((w) => path === w.dir || path.startsWith(w.dir + sep));

  for (const w of ws)
    for (const key of Object.keys(w.exports))
      if (key.includes('*'))
        problems.push(`${rel(w.dir)}/package.json: "exports" has "${key}": name each public entry`);

  // folder graphs per app/package source tree (rule 3), and the hub's floors (rule 4)
  const graphs = new Map<string, Map<string, Set<string>>>();
  let files = 0;
  for (const top of SOURCE_DIRS) {
    for (const file of sourceFiles(join(ROOT, top))) {
      files++;
      const from = owner(file);
      const test = isTestFile(file);
      const text = readFileSync(file, 'utf8');
      if (!test && file.startsWith(join(ROOT, 'apps', 'web') + sep))
        for (const spec of valueSpecifiers(text))
          if (spec === '@cellfleet/protocol')
            problems.push(
              `${rel(file)}: '${spec}' imported for values: the page takes its types only (import type), or its CSP refuses the validators' eval`,
            );
      for (const spec of specifiers(text)) {
        const where = `${rel(file)}: '${spec}'`;
        const deep = /^@cellfleet\/([^/]+)\/(.+)$/.exec(spec);
        if (deep)
          problems.push(
            `${where} reaches inside @cellfleet/${deep[1]}: import its entry '@cellfleet/${deep[1]}'`,
          );
        const inApps = from?.dir.startsWith(join(ROOT, 'apps') + sep) ?? false;
        if (inApps && (spec === '@cellfleet/tests' || /(^|\/)tests\/src\//.test(spec)))
          problems.push(`${where}: apps never import the test suites`);
        if (inApps && !test && spec === '@cellfleet/testkit')
          problems.push(`${where}: @cellfleet/testkit is for tests and benchmarks, not app code`);
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        const to = owner(target);
        if (to && to !== from)
          problems.push(`${where} reaches into ${to.name} by path: import '${to.name}' (its public entry)`);
        if (from && to === from && !test && !isTestFile(target)) {
          const src = join(from.dir, 'src');
          if (!file.startsWith(src + sep) || !target.startsWith(src + sep)) continue;
          const a = roomOf(src, file);
          const b = roomOf(src, target);
          if (a === b) continue;
          const g = graphs.get(from.name) ?? new Map<string, Set<string>>();
          graphs.set(from.name, g);
          g.set(a, (g.get(a) ?? new Set()).add(b));
          if (from.name === '@cellfleet/hub') {
            const fa = floorOf(a);
            const fb = floorOf(b);
            if (fa === undefined)
              problems.push(
                `${rel(file)}: hub folder ${a} has no floor in HUB_FLOORS (scripts/check-imports.ts)`,
              );
            else if (fb === undefined) problems.push(`${where}: hub folder ${b} has no floor in HUB_FLOORS`);
            else if (fb >= fa && fa < HUB_FLOORS.length)
              problems.push(
                `${where}: ${a} (floor ${fa}) may not import ${b} (floor ${fb}); imports run downwards only`,
              );
          }
        }
      }
    }
  }
  for (const [pkg, g] of graphs)
    for (const c of cycles(g)) problems.push(`${pkg}: these import each other: ${c.join(' → ')}`);

  if (problems.length > 0) {
    console.error(
      `import rules (docs/architecture.md) broken in ${problems.length} place(s):\n  ${[...new Set(problems)].join('\n  ')}`,
    );
    return 1;
  }
  console.log(`imports: ${files} files, no deep imports, no folder cycles, the hub's floors hold`);
  return 0;
}

if (import.meta.main) process.exitCode = main();
