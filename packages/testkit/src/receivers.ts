// Real receivers for notification tests: an HTTP server that records webhook calls (and can
// refuse or stall on request), and an SMTP server (smtp-server, the Nodemailer project's) over
// TLS with a throwaway certificate made by openssl. Both listen on port 0; the tests close them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface WebhookCall {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly calls: WebhookCall[];
  /** Answer the next `n` calls with this status instead of 200. */
  failNext(n: number, status?: number): void;
  /** Hold each answer this long (a slow receiver, for a hub stopping mid-delivery). */
  holdMs: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const calls: WebhookCall[] = [];
  let failing = 0;
  let failStatus = 503;
  const r: WebhookReceiver = {
    url: '',
    calls,
    holdMs: 0,
    failNext(n, status = 503) {
      failing = n;
      failStatus = status;
    },
    close: () => close(server),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        res.writeHead(failStatus).end('not now');
        return;
      }
      // Recorded on arrival: a test can stop the hub while the answer is still held.
      calls.push({ headers: req.headers, body });
      if (r.holdMs > 0) setTimeout(() => res.writeHead(200).end('ok'), r.holdMs);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  (r as { url: string }).url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
  return r;
}

export interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  /** Whether the session was encrypted when the message was sent. */
  readonly secure: boolean;
  header(name: string): string | undefined;
}

export interface SmtpReceiver {
  readonly port: number;
  readonly caFile: string;
  readonly mails: Mail[];
  close(): Promise<void>;
}

/**
 * A certificate for 127.0.0.1 and localhost, made by openssl once per folder (a restarted
 * server keeps it); its file doubles as the CA the client trusts.
 */
export function makeCertificate(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'smtp-cert.pem');
  const keyFile = join(dir, 'smtp-key.pem');
  if (existsSync(certFile)) return { certFile, keyFile };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

/** `tls`: TLS from the first byte; `starttls`: plain greeting, STARTTLS offered. */
export async function startSmtp(dir: string, mode: 'tls' | 'starttls', port = 0): Promise<SmtpReceiver> {
  const { certFile, keyFile } = makeCertificate(dir);
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: mode === 'tls',
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    authOptional: true,
    logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        const headerText = raw.split(/\r?\n\r?\n/)[0] ?? '';
        const unfolded = headerText.replace(/\r?\n[ \t]+/g, ' ');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((t) => t.address),
          raw,
          secure: session.secure,
          header: (name) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim(),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const a = server.server.address();
  return {
    port: typeof a === 'object' && a ? a.port : port,
    caFile: certFile,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
