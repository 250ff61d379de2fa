import {
  adjustLimitsWithParameters,
  type IHelloAckLimits,
  type OPCUAServer,
  ServerState,
  type UAVariable,
  VariableIds,
} from 'node-opcua';
import type { CellState } from './state.ts';

// Faults applied to a running node-opcua server without a restart. Each reaches into the
// engine at the one place node-opcua itself reads the setting on every request.

// node-opcua-transport's own defaults (server_tcp_transport.js, not exported)
const TRANSPORT_DEFAULTS = {
  minBufferSize: 8192,
  maxBufferSize: 8 * 64 * 1024,
  minMaxMessageSize: 128 * 1024,
  defaultMaxMessageSize: 16 * 1024 * 1024,
  maxMaxMessageSize: 128 * 1024 * 1024,
  minMaxChunkCount: 1,
  defaultMaxChunkCount: Math.ceil((128 * 1024 * 1024) / (8 * 64 * 1024)),
  maxMaxChunkCount: 9000,
};

/** MaxMessageSize under message-too-large: room for GetEndpoints/CreateSession, not for big reads. */
export const SMALL_MAX_MESSAGE_SIZE = 64 * 1024;

/**
 * Hello/Acknowledge negotiation (OPC UA Part 6 §7.1.2.3-4). The server's MaxMessageSize also
 * bounds the responses it sends: a larger response becomes a ServiceFault
 * BadTcpMessageTooLarge. Evaluated per connection, so the fault applies to new connections.
 */
export function transportLimits(state: CellState): (hello: IHelloAckLimits) => IHelloAckLimits {
  return (hello) => {
    const limits = adjustLimitsWithParameters(hello, TRANSPORT_DEFAULTS);
    if (!state.faults.has('message-too-large')) return limits;
    const maxMessageSize = Math.min(limits.maxMessageSize || SMALL_MAX_MESSAGE_SIZE, SMALL_MAX_MESSAGE_SIZE);
    return {
      ...limits,
      maxMessageSize,
      maxChunkCount: Math.ceil(maxMessageSize / limits.sendBufferSize) + 1,
    };
  };
}

interface ExtensionObjectHolder {
  $extensionObject: Record<string | symbol, unknown>;
}

/**
 * clock-skew: ServerStatus (i=2256) and its CurrentTime (i=2258) read the server clock through
 * the ServerStatus extension object, which node-opcua wraps in a Proxy answering `new Date()`.
 * One more Proxy answers the cell's (possibly skewed) clock. Response header timestamps
 * (Part 4 §7.33) follow too; the secure channel token's createdAt does not.
 */
export function installCellClock(server: OPCUAServer, state: CellState): void {
  const node = server.engine.addressSpace?.findNode(`i=${VariableIds.Server_ServerStatus}`) as
    | (UAVariable & ExtensionObjectHolder)
    | null;
  if (node?.$extensionObject) {
    const inner = node.$extensionObject;
    node.$extensionObject = new Proxy(inner, {
      get: (target, prop, receiver) =>
        prop === 'currentTime' ? state.context.now() : Reflect.get(target, prop, receiver),
    });
  }
  server.on('response', (response) => {
    if (state.faults.has('clock-skew')) response.responseHeader.timestamp = state.context.now();
  });
}

interface SessionLimitHold {
  held: boolean;
  originalMax: number;
}

/**
 * session-limit: MaxSessions = 1 and one slot held by a phantom session, so CreateSession gets
 * BadTooManySessions (Part 4 §5.6.2) while ServerCapabilities.MaxSessions and
 * ServerDiagnosticsSummary.CurrentSessionCount tell the same story a real full server does.
 * Sessions already open stay open.
 */
export function sessionLimiter(server: OPCUAServer): { apply(on: boolean): void; phantoms(): number } {
  const hold: SessionLimitHold = { held: false, originalMax: server.engine.serverCapabilities.maxSessions };
  return {
    apply(on) {
      const summary = server.engine.serverDiagnosticsSummary;
      if (on && !hold.held) {
        summary.currentSessionCount += 1;
        server.engine.serverCapabilities.maxSessions = 1;
        hold.held = true;
      } else if (!on && hold.held) {
        summary.currentSessionCount -= 1;
        server.engine.serverCapabilities.maxSessions = hold.originalMax;
        hold.held = false;
      }
    },
    phantoms: () => (hold.held ? 1 : 0),
  };
}

/** server-busy: ServerStatus.State (i=2259) Suspended instead of Running (Part 5 §12.6). */
export function applyServerState(server: OPCUAServer, busy: boolean): void {
  server.engine.setServerState(busy ? ServerState.Suspended : ServerState.Running);
}
