import { hostname } from 'node:os';
import { type OPCUACertificateManager, OPCUAServer } from 'node-opcua';
import { buildAddressSpace } from './address-space.ts';
import { applyEndpointPlan, endpointPlan } from './endpoints.ts';
import { ensureServerCertificate, forgetAutoTrusted, openCertificateManager } from './pki.ts';
import { applyServerState, installCellClock, sessionLimiter, transportLimits } from './runtime.ts';
import type { CellState } from './state.ts';
import type { CellOptions } from './types.ts';

// The inner node-opcua server of a cell. It listens on a loopback port of its own; the
// cell's front listener forwards the public port to it. It is rebuilt only when its server
// certificate must change (server-cert-expired, cert-uri-mismatch); every other fault is
// applied in place.

export const DEFAULT_USERS: Readonly<Record<string, string>> = { operator: 'operator-pass' };

export interface InnerServerOptions {
  state: CellState;
  cell: CellOptions;
  pkiDir: string;
  /** host and port clients dial: advertised in every EndpointDescription */
  advertised: { host: string; port: number };
  /** certificates trusted on purpose; they survive strict-pki and restarts */
  trusted: () => readonly Buffer[];
}

export interface InnerServer {
  readonly port: number;
  readonly certificateManager: OPCUACertificateManager;
  /** PEM file of the certificate the server presents */
  readonly certificateFile: string;
  /** apply state.faults that need no restart */
  applyFaults(): Promise<void>;
  stop(): Promise<void>;
}

const BUILD_DATE = new Date('2024-11-05T00:00:00Z');

export async function startInnerServer(o: InnerServerOptions): Promise<InnerServer> {
  const { state, cell } = o;
  const { profile } = state;
  const strict = (): boolean => state.faults.has('strict-pki');
  const cm = await openCertificateManager(o.pkiDir, strict());
  const applicationUri = profile.applicationUri(cell.name);
  const applicationName = profile.applicationName(cell.name);
  // cert-uri-mismatch: a copied install or a renamed host whose certificate still carries the
  // old applicationUri (node-opcua only warns about it, NODE-OPCUA-W06, and serves it anyway)
  const certificateUri = state.faults.has('cert-uri-mismatch')
    ? profile.applicationUri(`${cell.name}-old`)
    : applicationUri;
  const certificate = {
    certificateFile: await ensureServerCertificate(
      cm,
      {
        applicationUri: certificateUri,
        subject: `/CN=${applicationName}`,
        dns: [...new Set(['localhost', hostname(), o.advertised.host])],
        ip: ['127.0.0.1'],
      },
      state.faults.has('server-cert-expired'),
    ),
    privateKeyFile: cm.privateKey,
  };
  const users = cell.users ?? DEFAULT_USERS;

  const server = new OPCUAServer({
    port: 0,
    host: '127.0.0.1',
    hostname: o.advertised.host,
    resourcePath: profile.resourcePath,
    serverCertificateManager: cm,
    userCertificateManager: cm,
    ...certificate,
    serverInfo: {
      applicationUri,
      productUri: profile.buildInfo.productUri,
      applicationName: { text: applicationName, locale: 'en' },
    },
    buildInfo: {
      productName: profile.buildInfo.productName,
      productUri: profile.buildInfo.productUri,
      manufacturerName: profile.buildInfo.manufacturerName,
      softwareVersion: state.context.softwareVersion,
      buildNumber: state.context.buildNumber,
      buildDate: BUILD_DATE,
    },
    // Ignition's tag namespace is ns=1 itself, so node-opcua's own namespace is left out
    skipOwnNamespace: profile.vendorNamespaceIsServerNamespace,
    userManager: {
      isValidUser: (user: string, password: string) => Object.hasOwn(users, user) && users[user] === password,
    },
    transportSettings: { adjustTransportLimits: transportLimits(state) },
    ...(profile.maxSessions ? { serverCapabilities: { maxSessions: profile.maxSessions } } : {}),
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error(`cell ${cell.name}: node-opcua address space missing after initialize`);
  const ns = addressSpace.registerNamespace(profile.namespaceUri);
  buildAddressSpace(addressSpace, ns, state, {
    extraNodes: cell.extraNodes ?? 0,
    cyclicReference: cell.cyclicReference ?? false,
    omitTags: cell.omitTags ?? [],
  });
  installCellClock(server, state);
  await server.start();

  const limiter = sessionLimiter(server);
  state.setSessionCounter(() => server.currentSessionCount - limiter.phantoms());
  const port = server.endpoints[0]?.port;
  if (port === undefined) throw new Error(`cell ${cell.name}: inner server has no endpoint`);

  const applyFaults = async (): Promise<void> => {
    applyEndpointPlan(
      server,
      endpointPlan(state.faults, {
        ...o.advertised,
        cellName: cell.name,
        resourcePath: profile.resourcePath,
      }),
    );
    cm.automaticallyAcceptUnknownCertificate = !strict();
    if (strict()) await forgetAutoTrusted(cm, o.trusted());
    for (const der of o.trusted()) await cm.trustCertificate(der);
    limiter.apply(state.faults.has('session-limit'));
    applyServerState(server, state.faults.has('server-busy'));
  };
  await applyFaults();

  return {
    port,
    certificateManager: cm,
    certificateFile: server.certificateFile,
    applyFaults,
    async stop() {
      limiter.apply(false);
      await server.shutdown(0);
      await cm.dispose().catch(() => undefined);
    },
  };
}
