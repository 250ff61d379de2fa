// Checks of the cell's own clients (issue 17) that the schema cannot make: names unique per
// endpoint, a known client platform, certificate and key files that exist, and a private key
// nobody but the agent's user can read. A key readable by group or others is refused with the
// mode found, because the agent must not widen who can impersonate the plant's client.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { VENDOR_PROFILES } from '@cellfleet/core';
import type { ClientConfig, EndpointConfig, EventLogConfig } from '@cellfleet/protocol';
import { AgentError } from '../errors.ts';

export interface ClientCheckOptions {
  readonly file: string;
  readonly base: string;
  /** Windows has no mode bits to read (its ACLs are not checked here). */
  readonly platform?: NodeJS.Platform;
}

/** The endpoint with every client path (and the rejected folder) made absolute and checked. */
export function resolveClients(ep: EndpointConfig, i: number, o: ClientCheckOptions): EndpointConfig {
  const at = (rel: string) => (isAbsolute(rel) ? rel : resolve(o.base, rel));
  const names = new Set<string>();
  const clients = (ep.clients ?? []).map((c, j): ClientConfig => {
    const field = `endpoints[${i}].clients[${j}]`;
    if (names.has(c.name)) throw invalid(o.file, `${field}.name "${c.name}" is used twice in this endpoint`);
    names.add(c.name);
    if (c.vendor !== undefined && !VENDOR_PROFILES.some((p) => p.id === c.vendor)) {
      const known = VENDOR_PROFILES.map((p) => p.id).join(', ');
      throw invalid(o.file, `${field}.vendor "${c.vendor}" is not one of ${known}`);
    }
    const certificate = at(c.certificate);
    requireFile(certificate, `${field}.certificate`, o.file);
    if (c.privateKey === undefined) return { ...c, certificate };
    const privateKey = at(c.privateKey);
    checkKeyFile(privateKey, `${field}.privateKey`, o);
    return { ...c, certificate, privateKey };
  });
  return {
    ...ep,
    ...(ep.eventLog ? { eventLog: resolveEventLog(ep.eventLog, `endpoints[${i}].eventLog`, o, at) } : {}),
    ...(ep.clients ? { clients } : {}),
    ...(ep.rejectedCertificatesDir ? { rejectedCertificatesDir: at(ep.rejectedCertificatesDir) } : {}),
  };
}

/**
 * The event log's password file is a secret like a client key: same mode check. Plain http
 * would carry the Basic credentials in clear, so it is accepted only to this machine itself.
 */
function resolveEventLog(
  log: EventLogConfig,
  field: string,
  o: ClientCheckOptions,
  at: (rel: string) => string,
): EventLogConfig {
  const url = new URL(log.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (url.protocol === 'http:' && !loopback)
    throw invalid(
      o.file,
      `${field}.url ${log.url}: plain http to another machine would send the password in clear; use https:// or run the agent on the server's machine (http://127.0.0.1:57412)`,
    );
  const passwordFile = at(log.passwordFile);
  checkKeyFile(passwordFile, `${field}.passwordFile`, o);
  return { ...log, passwordFile };
}

function requireFile(path: string, field: string, file: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw invalid(file, `${field} ${path} is not a file`);
    return st.mode;
  } catch (err) {
    if (err instanceof AgentError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw invalid(file, `${field} ${path} cannot be read (${code})`);
  }
}

/** Refuses a key file that group or others may read or write (mode & 0o077), naming the mode. */
export function checkKeyFile(path: string, field: string, o: ClientCheckOptions): void {
  const mode = requireFile(path, field, o.file);
  if ((o.platform ?? process.platform) === 'win32') return;
  if ((mode & 0o077) !== 0) {
    const found = (mode & 0o777).toString(8).padStart(4, '0');
    throw invalid(
      o.file,
      `${field} ${path} is readable by group or others (mode ${found}); allow only the agent's user: chmod 600 ${path}`,
    );
  }
}

const invalid = (file: string, message: string) => new AgentError('config-invalid', `${file}: ${message}`);
