// diagnose(): the pure entry point. Same evidence and `now` → same diagnosis, so a recorded
// probe can be re-diagnosed later (the hub's notebook, the unit tests).
import { clientPrimaryOverride, personalise, rejectedClientFinding } from './clients.ts';
import type { Diagnosis, Vendor } from './codes.ts';
import { detectPlatform, type VendorDetection } from './detect.ts';
import type { ProbeEvidence } from './evidence.ts';
import { findingVerdicts } from './findings.ts';
import { pitfallVerdicts } from './pitfalls.ts';
import { render } from './render.ts';
import { primaryVerdict, stepLine } from './rules.ts';

export interface DiagnoseOptions {
  /** Local time in ms since the epoch, for certificate validity. */
  readonly now: number;
  /**
   * What the operator chose (`--vendor`): a vendor id (`siemens`) or a product id
   * (`wincc-unified`). It overrides detection.
   */
  readonly vendorHint?: string;
  /** Above this server clock offset a working session is still diagnosed as clock-skew. */
  readonly clockSkewThresholdMs?: number;
  /** Certificates expiring within this many days become a finding (issue 3: 30). */
  readonly expiryWarningDays?: number;
}

export interface DiagnoseResult {
  readonly primary: Diagnosis;
  readonly findings: readonly Diagnosis[];
  readonly vendor: Vendor;
  /** Which platform, the evidence for it and how sure (issue 13). */
  readonly detection: VendorDetection;
}

/** node-opcua's default maxClockSkew and the Part 6 recommendation (research §2.3 B16). */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

export function diagnose(ev: ProbeEvidence, opts: DiagnoseOptions): DiagnoseResult {
  const detection = detectPlatform(ev, opts.vendorHint);
  const primaryV = clientPrimaryOverride(
    ev,
    primaryVerdict(ev, {
      now: opts.now,
      clockSkewThresholdMs: opts.clockSkewThresholdMs ?? DEFAULT_CLOCK_SKEW_MS,
    }),
  );
  const rejected = rejectedClientFinding(ev);
  const ctx = {
    ev,
    detection,
    stepLines: ev.steps.map(stepLine),
    failedStep: ev.steps.find((s) => !s.ok)?.name ?? 'last',
  };
  const findings = findingVerdicts(ev, primaryV.code, {
    now: opts.now,
    expiryWarningDays: opts.expiryWarningDays ?? 30,
    extra: [...(rejected ? [rejected] : []), ...pitfallVerdicts(ev, primaryV.code, detection)],
  }).map((v) => personalise(render(v, ctx, true), ev));
  return {
    primary: personalise(render(primaryV, ctx), ev),
    findings,
    vendor: detection.vendor,
    detection,
  };
}
