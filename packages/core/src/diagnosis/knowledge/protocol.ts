// The code for a server that speaks OPC UA but breaks its rules (issue 12). Sources: OPC UA
// Part 6 §7.1.2 (the UACP messages: Hello, Acknowledge, Error and their sizes) and §6.7.2
// (message chunks). The agent reads the Hello/Acknowledge itself and watches the chunks that
// come back afterwards, so `{detail}` names the rule and the value that broke it.
import type { DiagnosisCode } from '../codes.ts';
import { generic, type Knowledge, kepware } from './types.ts';

export const PROTOCOL: Partial<Record<DiagnosisCode, Knowledge>> = {
  'protocol-violation': {
    severity: 'error',
    summary: 'The server at {host}:{port} answers in OPC UA, but breaks the protocol: {detail}',
    causes: [
      {
        text: 'A defect in the OPC UA stack of the server or its firmware (embedded and gateway servers above all).',
      },
      {
        text: 'A middlebox rewrites the traffic: a proxy, a port forwarder, deep packet inspection or an IDS that cuts or alters TCP streams.',
      },
      { text: 'Two services share the port, or the server process is crashing while it answers.' },
      {
        text: "A defect in the agent's own OPC UA library triggered by this answer; the agent survived it and kept the evidence.",
      },
    ],
    remediation: [
      generic([
        'Save this probe as JSON (cellfleet-agent probe {host}:{port} --json) and send it to the server vendor: the evidence names the rule of OPC UA Part 6 that was broken.',
        "Update the server's firmware or OPC UA runtime to the vendor's current release.",
        'Probe the server from another machine on the same switch: if it passes there, a middlebox on this path alters the traffic.',
        'Restart the server runtime and probe again: a server that answers this way only now and then is crashing.',
      ]),
      kepware([
        'Check the Kepware event log (OPC UA Server source) around the time of the probe.',
        'Update KEPServerEX to the current release; disable third-party plug-ins that proxy the UA port.',
      ]),
    ],
    otherClientsShow: [
      'UaExpert: BadDecodingError, BadTcpMessageTypeInvalid or "BadCommunicationError" on connect',
      'Ignition (Eclipse Milo client): Bad_DecodingError or Bad_ConnectionRejected',
    ],
    verification: 'The hello and endpoints steps pass on a new probe, with the Acknowledge sizes shown.',
  },
};
