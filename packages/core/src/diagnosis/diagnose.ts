// diagnose(): the pure entry point. Same evidence and `now` → same diagnosis, so a recorded
// probe can be re-diagnosed later (the hub's notebook, the unit tests).
import type { Diagnosis, Vendor } from './codes.ts';
import type { ProbeEvidence } from './evidence.ts';
import { findingVerdicts } from './findings.ts';
import { render } from './render.ts';
import { primaryVerdict, stepLine } from './rules.ts';
import { detectVendor } from './vendor.ts';

export interface DiagnoseOptions {
  /** Local time in ms since the epoch, for certificate validity. */
  readonly now: number;
  /** What the operator told us, used when the server's answers do not reveal the vendor. */
  readonly vendorHint?: Vendor;
  /** Above this server clock offset a working session is still diagnosed as clock-skew. */
  readonly clockSkewThresholdMs?: number;
  /** Certificates expiring within this many days become a finding (issue 3: 30). */
  readonly expiryWarningDays?: number;
}

export interface DiagnoseResult {
  readonly primary: Diagnosis;
  readonly findings: readonly Diagnosis[];
  readonly vendor: Vendor;
}

/** node-opcua's default maxClockSkew and the Part 6 recommendation (research §2.3 B16). */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

export function diagnose(ev: ProbeEvidence, opts: DiagnoseOptions): DiagnoseResult {
  const vendor = detectVendor(ev, opts.vendorHint);
  const primaryV = primaryVerdict(ev, {
    now: opts.now,
    clockSkewThresholdMs: opts.clockSkewThresholdMs ?? DEFAULT_CLOCK_SKEW_MS,
  });
  const ctx = {
    ev,
    vendor,
    stepLines: ev.steps.map(stepLine),
    failedStep: ev.steps.find((s) => !s.ok)?.name ?? 'last',
  };
  const findings = findingVerdicts(ev, primaryV.code, {
    now: opts.now,
    expiryWarningDays: opts.expiryWarningDays ?? 30,
  }).map((v) => render(v, ctx, true));
  return { primary: render(primaryV, ctx), findings, vendor };
}
