// The scale-out topology for end-to-end tests: a throwaway PostgreSQL with N simulated cells
// enrolled in it, Mosquitto configured from those enrollments (passwd + ACL, as
// `cellfleet-hub broker-config` writes them), and hub replicas started on demand as real
// processes with all their state in PostgreSQL.

import { join } from 'node:path';
import { enrollFleet, type SimCredentials } from '@cellfleet/fleetsim';
import {
  type CellStore,
  type HubDatabase,
  openCellStore,
  openHubDatabase,
  writeMosquittoFiles,
} from '@cellfleet/hub';
import { cellId } from '@cellfleet/protocol';
import { type Mosquitto, type Postgres, startMosquitto, startPostgres } from '@cellfleet/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { type Replica, type ReplicaOptions, startReplica } from './replica.ts';

export interface ScaleoutRig {
  readonly pg: Postgres;
  readonly pgUrl: string;
  /** The cell store, read directly by tests to check what the replicas stored. */
  readonly store: CellStore;
  readonly agents: SimCredentials[];
  readonly broker: Mosquitto;
  readonly files: Awaited<ReturnType<typeof writeMosquittoFiles>>;
  readonly replicas: Map<string, Replica>;
  /** A bare MQTT connection with one agent's credentials, to publish by hand (ACL, forged ids). */
  connectAs(agent: SimCredentials): Promise<MqttClient>;
  /** Starts (or restarts) replica `name` in the share group; it replaces any of that name. */
  replica(name: string, extra?: Partial<ReplicaOptions>): Promise<Replica>;
  stop(): Promise<void>;
}

export async function startScaleoutRig(
  dir: string,
  agentCount: number,
  name = 'scaleout',
): Promise<ScaleoutRig> {
  const pg = await startPostgres();
  const pgUrl = await pg.createDatabase(name);
  const db: HubDatabase = await openHubDatabase({ pgUrl, poolMax: 4 });
  const store = await openCellStore(db.sql);
  const agents = await enrollFleet(store, { agents: agentCount });
  const files = await writeMosquittoFiles(store, join(dir, 'broker'));
  const broker = await startMosquitto(dir, files);
  const replicas = new Map<string, Replica>();
  return {
    pg,
    pgUrl,
    store,
    agents,
    broker,
    files,
    replicas,
    connectAs: (agent) =>
      mqtt.connectAsync(broker.url, {
        username: cellId(agent.ref),
        password: agent.password,
        reconnectPeriod: 0,
        protocolVersion: 4,
      }),
    async replica(replicaName, extra = {}) {
      const r = await startReplica({
        brokerUrl: broker.url,
        hubUser: files.hubUsername,
        hubPasswordFile: files.hubPasswordFile,
        pgUrl,
        ...extra,
      });
      replicas.set(replicaName, r);
      return r;
    },
    async stop() {
      await Promise.all([...replicas.values()].map((r) => r.kill('SIGKILL')));
      await broker.stop();
      await db.close();
      await pg.stop();
    },
  };
}
