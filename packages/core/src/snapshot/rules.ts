// Which nodes a snapshot keeps and which values it records. Rules are data, listed by
// `cellfleet-agent snapshot --show-rules`; a user's rules come first and the first match wins.
//   include   record the value (overrides the defaults below it)
//   exclude   leave the node and everything under it out of the snapshot
//   volatile  keep the node (class, data type, access) but not its value: clocks, counters, process values
//   secret    keep the node; the value is replaced by a redaction marker
// `match` is a glob over the browse-name path below Objects (`Channel1/Device1/Config/Password`).
import { globMatcher, type Matcher } from './glob.ts';

export type RuleAction = 'include' | 'exclude' | 'volatile' | 'secret';
export const RULE_ACTIONS: readonly RuleAction[] = ['include', 'exclude', 'volatile', 'secret'];

export interface SnapshotRule {
  readonly action: RuleAction;
  readonly match: string;
  /** Only variables the server marks read-only (true) or writable (false). */
  readonly readOnly?: boolean;
  readonly why?: string;
}

export interface NodeFacts {
  /** Browse-name path below Objects. */
  readonly path: string;
  /** Known for variables once AccessLevel is read. */
  readonly readOnly?: boolean;
}

export type NodeTreatment = 'keep' | Exclude<RuleAction, 'include'>;

const secret = (match: string, why: string): SnapshotRule => ({ action: 'secret', match, why });
const volatile = (match: string, why: string): SnapshotRule => ({ action: 'volatile', match, why });

export const DEFAULT_RULES: readonly SnapshotRule[] = [
  secret('**/*password*', 'passwords'),
  secret('**/*passwd*', 'passwords'),
  secret('**/*secret*', 'secrets'),
  secret('**/*apikey*', 'API keys'),
  secret('**/*privatekey*', 'private keys'),
  secret('**/*token*', 'tokens'),
  secret('**/*credential*', 'credentials'),
  { action: 'include', match: '**/_System/_Enabled', why: 'Kepware device enable switch is configuration' },
  volatile('**/_System/**', 'Kepware _System tags: clocks, client counts, device error state'),
  volatile('**/_Statistics/**', 'Kepware channel statistics counters'),
  volatile('**/*DateTime*', 'clocks'),
  volatile('**/*Timestamp*', 'clocks'),
  volatile('**/*CurrentTime*', 'clocks'),
  volatile('**/*Clock*', 'clocks'),
  volatile('**/*Uptime*', 'clocks'),
  volatile('**/*Counter*', 'counters'),
  volatile('**/Counters/**', 'counters'),
  volatile('**/*Count', 'counters'),
  volatile('**/Process/**', 'process values'),
  volatile('**/*Actual*', 'process values'),
  volatile('**/Diagnostics/**', 'diagnostics'),
  {
    action: 'volatile',
    match: '**',
    readOnly: true,
    why: 'read-only variables: process values and diagnostics; configuration is writable',
  },
];

export interface RuleSet {
  readonly rules: readonly SnapshotRule[];
  /** False when no rule excludes: the walker then skips classifying objects while browsing. */
  readonly excludes: boolean;
  readonly matchers: readonly Matcher[];
}

/** The user's rules followed by the defaults (unless `defaults` is false). */
export function ruleSet(user: readonly SnapshotRule[] = [], defaults = true): RuleSet {
  const rules = defaults ? [...user, ...DEFAULT_RULES] : [...user];
  return {
    rules,
    excludes: rules.some((r) => r.action === 'exclude'),
    matchers: rules.map((r) => globMatcher(r.match)),
  };
}

export function matchRule(set: RuleSet, facts: NodeFacts): SnapshotRule | undefined {
  for (let i = 0; i < set.rules.length; i++) {
    const rule = set.rules[i]!;
    if (rule.readOnly !== undefined && rule.readOnly !== facts.readOnly) continue;
    if (set.matchers[i]!(facts.path)) return rule;
  }
  return undefined;
}

export function classifyNode(set: RuleSet, facts: NodeFacts): NodeTreatment {
  const rule = matchRule(set, facts);
  return rule === undefined || rule.action === 'include' ? 'keep' : rule.action;
}

/** `volatile:**\/Foo` or `volatile:readonly:**\/Foo` → a rule; undefined when it does not parse. */
export function parseRule(text: string): SnapshotRule | undefined {
  const m = /^(include|exclude|volatile|secret):(?:(readonly|writable):)?(.+)$/.exec(text.trim());
  if (!m) return undefined;
  const base = { action: m[1] as RuleAction, match: m[3]! };
  if (m[2] === undefined) return base;
  return { ...base, readOnly: m[2] === 'readonly' };
}

export function formatRule(rule: SnapshotRule): string {
  const scope = rule.readOnly === undefined ? '' : rule.readOnly ? 'readonly:' : 'writable:';
  return `${rule.action}:${scope}${rule.match}`;
}

/** One line per rule, in the order they are tried. */
export function formatRules(set: RuleSet): string {
  const width = Math.max(...set.rules.map((r) => formatRule(r).length), 10);
  return set.rules.map((r) => `${formatRule(r).padEnd(width)}  ${r.why ?? ''}`.trimEnd()).join('\n');
}
