// A hub in external-broker mode on a real Mosquitto (Debian's package): the broker's password
// and ACL files come from the hub's enrollments, written before the broker starts and again
// (with a reload) whenever a cell is enrolled.
import { join } from 'node:path';
import { withCellStore, writeMosquittoFiles } from '@cellfleet/hub';
import { type Mosquitto, startMosquitto } from '@cellfleet/testkit';
import { startTestHub, type TestHub } from './hub.ts';

type BrokerFiles = Awaited<ReturnType<typeof writeMosquittoFiles>>;

export interface HubOnMosquitto {
  readonly hub: TestHub;
  readonly broker: Mosquitto;
  readonly files: BrokerFiles;
  /** Rewrites the broker's files from the hub's enrollments and reloads it. */
  syncBroker(): Promise<void>;
}

export async function startHubOnMosquitto(dir: string): Promise<HubOnMosquitto> {
  const files = await withCellStore({ dbPath: join(dir, 'hub.db') }, (cells) =>
    writeMosquittoFiles(cells, join(dir, 'broker')),
  );
  const broker = await startMosquitto(dir, files);
  const hub = await startTestHub({
    dir,
    broker: {
      mode: 'external',
      url: broker.url,
      username: files.hubUsername,
      passwordFile: files.hubPasswordFile,
      shareGroup: 'hub',
    },
  });
  return {
    hub,
    broker,
    files,
    async syncBroker() {
      await writeMosquittoFiles(hub.hub.services.cells, join(dir, 'broker'));
      await broker.reload();
    },
  };
}
