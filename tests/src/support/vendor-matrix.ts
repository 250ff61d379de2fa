// The fault matrix per emulated platform (issue 13): every switchable fault of @cellfleet/cellsim
// on every kind of cell, through the real ladder, checking the code, the detected vendor and that
// the first fix block is that vendor's. Each kind runs its rows in order on one cell with its own
// agent PKI; kinds run concurrently (one cell each), so the whole matrix costs about as much as
// its slowest kind.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type AgentPki, openAgentPki, type ProbeResult, probeEndpoint } from '@cellfleet/agent';
import { type CellKind, type Fault, type RunningCell, startCell } from '@cellfleet/cellsim';
import type { EndpointConfig } from '@cellfleet/protocol';

export interface VendorCase {
  readonly kind: CellKind;
  /** The vendor the diagnosis must detect. */
  readonly vendor: string;
  /** The endpoint's name in a realistic agent config. */
  readonly endpointName: string;
  /** What device-not-communicating must name, and whether the cell dates the outage. */
  readonly device: RegExp;
  readonly since: boolean;
}

export const VENDOR_CASES: readonly VendorCase[] = [
  { kind: 'kepware', vendor: 'kepware', endpointName: 'kepware', device: /Channel1\/Device1/, since: true },
  { kind: 'ignition', vendor: 'ignition', endpointName: 'ignition', device: /PLC1/, since: true },
  { kind: 'generic', vendor: 'generic', endpointName: 'plc', device: /^.*PLC/, since: false },
  { kind: 'factorytalk', vendor: 'rockwell', endpointName: 'ftlg', device: /PLC1/, since: false },
  { kind: 'aveva', vendor: 'aveva', endpointName: 'oi-server', device: /ABCIP\/PLC1/, since: true },
  {
    kind: 'wincc-unified',
    vendor: 'siemens',
    endpointName: 'wincc-unified',
    device: /HMI_Connection_1/,
    since: false,
  },
  { kind: 'wincc-oa', vendor: 'siemens', endpointName: 'wincc-oa', device: /PLC1: WinCC OA/, since: true },
  { kind: 'proficy', vendor: 'ge', endpointName: 'ifix', device: /SCADA1: Historian collector/, since: true },
];

interface Step {
  readonly fault: string;
  readonly expected: string;
  readonly as: 'primary' | 'finding';
  readonly faults?: Fault[];
  readonly endpoint?: Partial<EndpointConfig>;
  /** Runs after the probe, before the faults are cleared (the tech trusting a certificate). */
  readonly afterProbe?: (ctx: Ctx) => Promise<void>;
  readonly check?: (r: ProbeResult, c: VendorCase) => void;
}

interface Ctx {
  readonly cell: RunningCell;
  readonly pki: AgentPki;
}

const SERVER_CLUE = /BuildInfo|applicationUri|application name|certificate|namespace|address space/;

const STEPS: readonly Step[] = [
  {
    fault: 'first contact, no TOFU',
    expected: 'server-cert-untrusted',
    as: 'primary',
    endpoint: { trustOnFirstUse: false },
  },
  {
    fault: 'TOFU, certificate already in rejected/',
    expected: 'server-cert-untrusted',
    as: 'primary',
    afterProbe: async ({ pki }) => {
      for (const c of pki.listRejected()) await pki.trust(c.der); // the tech runs `trust`
    },
    check: (r) => assert.match(r.body.diagnosis.summary, /rejected\/.*cellfleet-agent trust [0-9a-f]{8}/),
  },
  { fault: 'none', expected: 'ok', as: 'primary' },
  { fault: 'port-closed', expected: 'port-closed', as: 'primary', faults: ['port-closed'] },
  { fault: 'not-opcua', expected: 'not-opcua', as: 'primary', faults: ['not-opcua'] },
  { fault: 'silent', expected: 'handshake-timeout', as: 'primary', faults: ['silent'] },
  { fault: 'drop-on-accept', expected: 'connection-dropped', as: 'primary', faults: ['drop-on-accept'] },
  { fault: 'strict-pki', expected: 'client-cert-untrusted', as: 'primary', faults: ['strict-pki'] },
  {
    fault: 'server-cert-expired',
    expected: 'server-cert-expired',
    as: 'primary',
    faults: ['server-cert-expired'],
  },
  { fault: 'cert-uri-mismatch', expected: 'cert-uri-mismatch', as: 'finding', faults: ['cert-uri-mismatch'] },
  {
    fault: 'security-none-only',
    expected: 'security-none-only',
    as: 'finding',
    faults: ['security-none-only'],
  },
  {
    fault: 'security-none-only + sign-and-encrypt',
    expected: 'security-none-only',
    as: 'primary',
    faults: ['security-none-only'],
    endpoint: { security: 'sign-and-encrypt' },
  },
  {
    fault: 'deprecated-security-only',
    expected: 'deprecated-security-only',
    as: 'primary',
    faults: ['deprecated-security-only'],
    // The None endpoint of this fault serves discovery only: allowing None cannot help.
    check: (r) =>
      assert.ok(
        !r.diagnosis.primary.remediation.some((b) => b.steps.some((s) => s.includes('allowSecurityNone)'))),
      ),
  },
  {
    fault: 'deprecated-security-only + security none',
    expected: 'security-policy-mismatch',
    as: 'primary',
    faults: ['deprecated-security-only'],
    endpoint: { security: 'none' },
  },
  {
    fault: 'anonymous-disabled',
    expected: 'anonymous-disabled',
    as: 'primary',
    faults: ['anonymous-disabled'],
  },
  {
    fault: 'wrong password',
    expected: 'bad-credentials',
    as: 'primary',
    endpoint: { user: 'operator', password: 'not-the-Pa55word' },
  },
  { fault: 'session-limit', expected: 'too-many-sessions', as: 'primary', faults: ['session-limit'] },
  {
    fault: 'advertised-host-unresolvable',
    expected: 'advertised-host-unresolvable',
    as: 'primary',
    faults: ['advertised-host-unresolvable'],
  },
  { fault: 'clock-skew', expected: 'clock-skew', as: 'primary', faults: ['clock-skew'] },
  { fault: 'server-busy', expected: 'server-busy', as: 'primary', faults: ['server-busy'] },
  { fault: 'message-too-large', expected: 'message-too-large', as: 'primary', faults: ['message-too-large'] },
  {
    fault: 'device down',
    expected: 'device-not-communicating',
    as: 'primary',
    faults: ['device-not-communicating'],
    check: (r, c) => {
      assert.match(r.body.diagnosis.summary, c.device, 'the summary names the device');
      if (c.since) assert.match(r.body.diagnosis.summary, /since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    },
  },
  { fault: 'device back', expected: 'ok', as: 'primary' },
];

export interface MatrixRow {
  readonly kind: string;
  readonly fault: string;
  readonly expected: string;
  readonly got: string;
  readonly vendor: string;
  readonly confidence: string;
  readonly firstFix: string;
  readonly ms: number;
  readonly result: 'ok' | 'FAIL';
}

// The whole-probe budget. Eight cells and their probes share the CPU here (on a shared 2-core
// machine a secure handshake can take seconds), so it is the agent's own order of magnitude
// (10 s default) rather than the 2.5 s of the sequential matrix; `silent` spends all of it.
const TIMEOUT = 8000;

function judge(step: Step, c: VendorCase, r: ProbeResult): string[] {
  const problems: string[] = [];
  const got = step.as === 'primary' ? r.body.diagnosis.code : r.body.findings.map((f) => f.code).join(',');
  const hit = step.as === 'primary' ? got === step.expected : got.split(',').includes(step.expected);
  if (!hit) problems.push(`expected ${step.expected}, got ${got} (${r.body.diagnosis.summary})`);
  const det = r.body.vendorDetection;
  if (det?.vendor !== c.vendor) problems.push(`detected ${det?.vendor} (${det?.why}), expected ${c.vendor}`);
  const reachedServer = r.body.steps.some((s) => s.name === 'endpoints' && s.ok);
  if (reachedServer && c.vendor !== 'generic' && !det?.evidence.some((e) => SERVER_CLUE.test(e))) {
    problems.push(`the server answered, yet no server clue in ${JSON.stringify(det?.evidence)}`);
  }
  const d = step.as === 'primary' ? r.body.diagnosis : r.body.findings.find((f) => f.code === step.expected);
  if (d && d.code !== 'ok' && d.remediation?.[0]?.vendor !== c.vendor) {
    problems.push(
      `first fix block is ${d.remediation?.[0]?.vendor}/${d.remediation?.[0]?.product}, expected ${c.vendor}`,
    );
  }
  try {
    step.check?.(r, c);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}

async function runKind(c: VendorCase, dir: string): Promise<{ rows: MatrixRow[]; failures: string[] }> {
  const cell = await startCell({ kind: c.kind, name: `${c.kind}-m` });
  const pki = await openAgentPki({ dir: join(dir, `agent-${c.kind}`), disableFileWatchers: true });
  const rows: MatrixRow[] = [];
  const failures: string[] = [];
  try {
    for (const step of STEPS) {
      if (step.faults) await cell.setFaults(step.faults);
      const t0 = performance.now();
      const r = await probeEndpoint(
        { name: c.endpointName, url: cell.endpointUrl, trustOnFirstUse: true, ...step.endpoint },
        { pki, timeoutMs: TIMEOUT },
      );
      const ms = Math.round(performance.now() - t0);
      await step.afterProbe?.({ cell, pki });
      if (step.faults) await cell.setFaults([]);
      const problems = judge(step, c, r);
      failures.push(...problems.map((p) => `${c.kind} / ${step.fault}: ${p}`));
      const det = r.body.vendorDetection;
      rows.push({
        kind: c.kind,
        fault: step.fault,
        expected: step.expected,
        got: step.as === 'primary' ? r.body.diagnosis.code : `finding ${step.expected}`,
        vendor: det?.productName ?? det?.vendor ?? '-',
        confidence: det?.confidence ?? '-',
        firstFix: r.body.diagnosis.remediation?.[0]?.product ?? '-',
        ms,
        result: problems.length === 0 ? 'ok' : 'FAIL',
      });
    }
  } finally {
    await cell.stop();
    await pki.dispose();
  }
  return { rows, failures };
}

export async function runVendorMatrix(dir: string): Promise<{ rows: MatrixRow[]; failures: string[] }> {
  const results = await Promise.all(VENDOR_CASES.map((c) => runKind(c, dir)));
  return { rows: results.flatMap((r) => r.rows), failures: results.flatMap((r) => r.failures) };
}

export const MATRIX_STEPS = STEPS.length;
