// The shape of what the engine knows about one code. Texts are written for a tech on the
// floor; `{host}`, `{port}`, `{detail}`, `{thumbprint}`, `{agentUri}`, `{device}` and
// `{allowNone}` (the step about SecurityMode None that fits this server) are filled in when a
// diagnosis is rendered (see render.ts).
import type { Remediation, Severity, Vendor } from '../codes.ts';

export interface Cause {
  readonly text: string;
  /** Listed only for this vendor, ranked first when it is the detected one. */
  readonly vendor?: Vendor;
}

export interface Knowledge {
  readonly severity: Severity;
  readonly summary: string;
  readonly causes: readonly Cause[];
  readonly remediation: readonly Remediation[];
  readonly otherClientsShow: readonly string[];
  readonly verification: string;
}

export const KEPSERVEREX = 'KEPServerEX 6';
export const KEPWARE_EDGE = 'Kepware Edge';
export const IGNITION_81 = 'Ignition 8.1';
export const IGNITION_83 = 'Ignition 8.3';
export const GENERIC = 'PLC / other OPC UA server';

export const kepware = (steps: string[]): Remediation => ({ vendor: 'kepware', product: KEPSERVEREX, steps });
export const kepwareEdge = (steps: string[]): Remediation => ({
  vendor: 'kepware',
  product: KEPWARE_EDGE,
  steps,
});
export const ignition81 = (steps: string[]): Remediation => ({
  vendor: 'ignition',
  product: IGNITION_81,
  steps,
});
export const ignition83 = (steps: string[]): Remediation => ({
  vendor: 'ignition',
  product: IGNITION_83,
  steps,
});
export const generic = (steps: string[]): Remediation => ({ vendor: 'generic', product: GENERIC, steps });

/** Kepware applies UA trust and endpoint changes only after a runtime reinitialize (research §4). */
export const KEPWARE_REINIT =
  'Right-click the KEPServerEX tray icon → Reinitialize (or restart the runtime service).';
export const EDGE_REINIT =
  'Reinitialize the runtime (Configuration API: PUT /config/v1/project/services/ReinitializeRuntime).';
/** Ignition reads OPC UA server settings at module start (Ignition 8.1/8.3 docs). */
export const IGNITION_RESTART = 'Restart the OPC UA module (or the Gateway) so the new settings take effect.';
