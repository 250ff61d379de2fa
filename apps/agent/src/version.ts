// What `cellfleet-agent --version` prints. A packaged build (scripts/package.ts) has esbuild
// replace CELLFLEET_BUILD with its version, commit and build date; run from a checkout, the
// identifier is undefined and the agent says so instead of inventing a commit.
import pkg from '../package.json' with { type: 'json' };

declare const CELLFLEET_BUILD: BuildInfo | undefined;

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly date: string;
}

export function buildInfo(): BuildInfo {
  if (typeof CELLFLEET_BUILD !== 'undefined') return CELLFLEET_BUILD;
  return { version: pkg.version, commit: '', date: '' };
}

export function formatVersion(b: BuildInfo, node: string): string {
  const from =
    b.commit === '' ? 'run from a checkout, not a packaged build' : `commit ${b.commit}, built ${b.date}`;
  return `cellfleet-agent ${b.version} (${from}; node ${node})\n`;
}

/** What the birth reports as agentVersion: `0.1.0`, or `0.1.0+<commit>` for a packaged build. */
export function versionLabel(b: BuildInfo): string {
  return b.commit === '' ? b.version : `${b.version}+${b.commit}`.slice(0, 64);
}
