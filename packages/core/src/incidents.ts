// Incidents for notifications (issue 15): one per cell endpoint, from its first failed probe to
// its recovery, so the on-call hears once per problem and not once per probe. A cell that
// recovers and fails again before it has stayed healthy for `settleMs` is flapping: the same
// incident, with a count. The recovery is told once it has settled. Pure: the hub stores the
// incident and decides, from what this returns, whom to tell.
import type { Severity } from './diagnosis/codes.ts';

export type IncidentStatus = 'open' | 'recovering' | 'closed';

export interface Incident {
  readonly id: string;
  readonly cell: string;
  readonly endpoint: string;
  readonly code: string;
  readonly severity: Severity;
  readonly summary: string;
  /** The first fix step for the server's vendor, when the diagnosis had one. */
  readonly fix: string | null;
  readonly status: IncidentStatus;
  readonly openedAt: number;
  readonly lastFailAt: number;
  readonly recoveringSince: number | null;
  readonly closedAt: number | null;
  readonly flaps: number;
  /** Opened while an approved action ran on the cell: nobody is told, nor of its recovery. */
  readonly quiet: boolean;
}

/** What one probe result says, reduced to what incidents need. */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly at: number;
  readonly code: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly fix: string | null;
}

/** `opened` and `recovered` are told (unless quiet); `flapped` and `recovering` only recorded. */
export type IncidentEvent = 'opened' | 'flapped' | 'recovering' | 'recovered' | 'none';

export interface IncidentStep {
  /** The incident to store; undefined when there is none and the probe passed. */
  readonly incident: Incident | undefined;
  readonly event: IncidentEvent;
}

export interface IncidentContext {
  readonly newId: () => string;
  /** True while an approved action runs on the cell (its maintenance window). */
  readonly quiet: boolean;
  readonly settleMs: number;
}

/** The next state of a cell endpoint's incident after one probe. */
export function stepIncident(
  current: Incident | undefined,
  cell: { readonly cell: string; readonly endpoint: string },
  probe: ProbeOutcome,
  ctx: IncidentContext,
): IncidentStep {
  const open = current && current.status !== 'closed' ? current : undefined;
  if (!probe.ok) {
    if (!open)
      return {
        event: 'opened',
        incident: {
          id: ctx.newId(),
          ...cell,
          code: probe.code,
          severity: probe.severity,
          summary: probe.summary,
          fix: probe.fix,
          status: 'open',
          openedAt: probe.at,
          lastFailAt: probe.at,
          recoveringSince: null,
          closedAt: null,
          flaps: 0,
          quiet: ctx.quiet,
        },
      };
    if (open.status === 'recovering')
      return {
        event: 'flapped',
        incident: {
          ...open,
          status: 'open',
          recoveringSince: null,
          lastFailAt: probe.at,
          flaps: open.flaps + 1,
        },
      };
    return { event: 'none', incident: { ...open, lastFailAt: Math.max(open.lastFailAt, probe.at) } };
  }
  if (!open) return { event: 'none', incident: current };
  const recovering: Incident =
    open.status === 'recovering' ? open : { ...open, status: 'recovering', recoveringSince: probe.at };
  const settled = settleIncident(recovering, probe.at, ctx.settleMs);
  if (settled.event === 'recovered') return settled;
  return { event: open.status === 'recovering' ? 'none' : 'recovering', incident: recovering };
}

/** A recovering incident that stayed healthy for `settleMs` closes (the delivery loop asks too). */
export function settleIncident(incident: Incident, now: number, settleMs: number): IncidentStep {
  if (incident.status !== 'recovering' || incident.recoveringSince === null)
    return { event: 'none', incident };
  if (now - incident.recoveringSince < settleMs) return { event: 'none', incident };
  return { event: 'recovered', incident: { ...incident, status: 'closed', closedAt: now } };
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  ok: 0,
  info: 1,
  warning: 2,
  error: 3,
  critical: 4,
};

/** Whether a route that wants `min` or worse takes an incident of `severity`. */
export function severityAtLeast(severity: Severity, min: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[min];
}
