// A hub replica as a real process (`cellfleet-hub serve` with an external broker and all its
// state in PostgreSQL), so a test can SIGKILL it the way a crashed machine would stop it.
import { type Child, startChild } from '@cellfleet/testkit';

export interface ReplicaOptions {
  readonly brokerUrl: string;
  readonly hubUser: string;
  readonly hubPasswordFile: string;
  readonly pgUrl: string;
  readonly shareGroup?: string;
  /** Seconds before an unanswered dispatched action is sent again (serve --redispatch-after). */
  readonly redispatchAfterS?: number;
  /** Extra environment, e.g. CELLFLEET_FAILPOINTS to make it die at a chosen step. */
  readonly env?: Record<string, string>;
}

export interface Replica extends Child {
  readonly httpUrl: string;
}

export async function startReplica(o: ReplicaOptions): Promise<Replica> {
  const c = await startChild(
    'apps/hub/src/main.ts',
    [
      'serve',
      '--http-port',
      '0',
      '--broker-url',
      o.brokerUrl,
      '--broker-user',
      o.hubUser,
      '--broker-password-file',
      o.hubPasswordFile,
      '--share-group',
      o.shareGroup ?? 'hub',
      '--pg-url',
      o.pgUrl,
      ...(o.redispatchAfterS === undefined ? [] : ['--redispatch-after', String(o.redispatchAfterS)]),
      '--log-level',
      process.env['CELLFLEET_TEST_LOG'] ?? 'warn',
    ],
    /API (http:\/\/\S+)\/api\/cells/,
    { timeoutMs: 30_000, ...(o.env ? { env: o.env } : {}) },
  );
  return { ...c, httpUrl: c.match[1]! };
}
