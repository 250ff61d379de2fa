// Notification tables on the hub's Sql (SQLite or PostgreSQL): channels and routes an admin
// configures, incidents (core's state machine, stored whole as JSON), and the durable outbox
// of notifications. A notification is written in the same transaction as the incident change
// that caused it, so it is never lost; its row moves pending → sending → sent (or failed after
// its retries), so a restarted hub does not send again what it already sent.
import type { Incident } from '@cellfleet/core';
import type {
  ChannelInput,
  DeliveryKind,
  DeliveryStatus,
  DeliveryView,
  NotificationRouteView,
  Severity,
} from '@cellfleet/protocol';
import type { Migrations, Sql } from '../db/sql.ts';
import type { NotificationMessage } from './message.ts';

export const NOTIFY_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE notify_channels (
       id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, config TEXT NOT NULL,
       created_at INTEGER NOT NULL);
     CREATE TABLE notify_routes (
       id TEXT PRIMARY KEY, channel_id TEXT NOT NULL REFERENCES notify_channels (id) ON DELETE CASCADE,
       site TEXT, line TEXT, grp TEXT, min_severity TEXT NOT NULL);
     CREATE TABLE notify_incidents (
       id TEXT PRIMARY KEY, cell TEXT NOT NULL, endpoint TEXT NOT NULL, status TEXT NOT NULL,
       opened_at INTEGER NOT NULL, record TEXT NOT NULL);
     CREATE INDEX notify_incidents_cell ON notify_incidents (cell, endpoint, status);
     CREATE INDEX notify_incidents_status ON notify_incidents (status, opened_at);
     CREATE TABLE notify_outbox (
       id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, incident_id TEXT, kind TEXT NOT NULL,
       message TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
       next_at INTEGER NOT NULL, lease_until INTEGER, last_error TEXT, created_at INTEGER NOT NULL,
       sent_at INTEGER);
     CREATE INDEX notify_outbox_due ON notify_outbox (status, next_at);
     CREATE INDEX notify_outbox_created ON notify_outbox (created_at);`,
  ],
  postgres: [
    `CREATE TABLE notify_channels (
       id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, config TEXT NOT NULL,
       created_at BIGINT NOT NULL);
     CREATE TABLE notify_routes (
       id TEXT PRIMARY KEY, channel_id TEXT NOT NULL REFERENCES notify_channels (id) ON DELETE CASCADE,
       site TEXT, line TEXT, grp TEXT, min_severity TEXT NOT NULL);
     CREATE TABLE notify_incidents (
       id TEXT PRIMARY KEY, cell TEXT NOT NULL, endpoint TEXT NOT NULL, status TEXT NOT NULL,
       opened_at BIGINT NOT NULL, record TEXT NOT NULL);
     CREATE INDEX notify_incidents_cell ON notify_incidents (cell, endpoint, status);
     CREATE INDEX notify_incidents_status ON notify_incidents (status, opened_at);
     CREATE TABLE notify_outbox (
       id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, incident_id TEXT, kind TEXT NOT NULL,
       message TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
       next_at BIGINT NOT NULL, lease_until BIGINT, last_error TEXT, created_at BIGINT NOT NULL,
       sent_at BIGINT);
     CREATE INDEX notify_outbox_due ON notify_outbox (status, next_at);
     CREATE INDEX notify_outbox_created ON notify_outbox (created_at);`,
  ],
};

export interface StoredChannel {
  readonly id: string;
  readonly input: ChannelInput;
  readonly createdAt: number;
}

export interface Delivery {
  readonly id: string;
  readonly channelId: string;
  readonly incidentId: string | null;
  readonly kind: DeliveryKind;
  readonly message: NotificationMessage;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly sentAt: number | null;
}

type Row = Record<string, unknown>;
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const deliveryOf = (r: Row): Delivery => ({
  id: String(r['id']),
  channelId: String(r['channel_id']),
  incidentId: (r['incident_id'] as string | null) ?? null,
  kind: r['kind'] as DeliveryKind,
  message: JSON.parse(String(r['message'])) as NotificationMessage,
  status: r['status'] as DeliveryStatus,
  attempts: Number(r['attempts']),
  nextAt: Number(r['next_at']),
  lastError: (r['last_error'] as string | null) ?? null,
  createdAt: Number(r['created_at']),
  sentAt: n(r['sent_at']),
});

export function deliveryView(d: Delivery, channelName: string): DeliveryView {
  return {
    id: d.id,
    channelId: d.channelId,
    channelName,
    incidentId: d.incidentId,
    kind: d.kind,
    subject: d.message.subject,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt,
    nextAt: d.nextAt,
    sentAt: d.sentAt,
  };
}

const routeOf = (r: Row): NotificationRouteView => ({
  id: String(r['id']),
  channelId: String(r['channel_id']),
  site: (r['site'] as string | null) ?? null,
  line: (r['line'] as string | null) ?? null,
  group: (r['grp'] as string | null) ?? null,
  minSeverity: r['min_severity'] as Severity,
});

export async function openNotifyStore(sql: Sql) {
  await sql.migrate('notify', NOTIFY_MIGRATIONS);
  return {
    async addChannel(c: StoredChannel): Promise<void> {
      await sql.run(
        'INSERT INTO notify_channels (id, name, kind, config, created_at) VALUES (?, ?, ?, ?, ?)',
        [c.id, c.input.name, c.input.kind, JSON.stringify(c.input.config), c.createdAt],
      );
    },
    async channels(): Promise<StoredChannel[]> {
      const rows = await sql.all<Row>('SELECT * FROM notify_channels ORDER BY name');
      return rows.map((r) => ({
        id: String(r['id']),
        createdAt: Number(r['created_at']),
        input: {
          name: String(r['name']),
          kind: r['kind'],
          config: JSON.parse(String(r['config'])),
        } as ChannelInput,
      }));
    },
    async channelNamed(name: string): Promise<boolean> {
      return (await sql.get('SELECT id FROM notify_channels WHERE name = ?', [name])) !== undefined;
    },
    async removeChannel(id: string): Promise<boolean> {
      await sql.run('DELETE FROM notify_routes WHERE channel_id = ?', [id]);
      await sql.run("DELETE FROM notify_outbox WHERE channel_id = ? AND status = 'pending'", [id]);
      return (await sql.run('DELETE FROM notify_channels WHERE id = ?', [id])) > 0;
    },
    async addRoute(r: NotificationRouteView): Promise<void> {
      await sql.run(
        'INSERT INTO notify_routes (id, channel_id, site, line, grp, min_severity) VALUES (?, ?, ?, ?, ?, ?)',
        [r.id, r.channelId, r.site, r.line, r.group, r.minSeverity],
      );
    },
    async routes(): Promise<NotificationRouteView[]> {
      return (await sql.all<Row>('SELECT * FROM notify_routes ORDER BY id')).map(routeOf);
    },
    async removeRoute(id: string): Promise<boolean> {
      return (await sql.run('DELETE FROM notify_routes WHERE id = ?', [id])) > 0;
    },

    /** The cell endpoint's incident that is not closed, if any. */
    async openIncident(cell: string, endpoint: string): Promise<Incident | undefined> {
      const r = await sql.get<Row>(
        "SELECT record FROM notify_incidents WHERE cell = ? AND endpoint = ? AND status <> 'closed'",
        [cell, endpoint],
      );
      return r ? (JSON.parse(String(r['record'])) as Incident) : undefined;
    },
    async recovering(): Promise<Incident[]> {
      const rows = await sql.all<Row>("SELECT record FROM notify_incidents WHERE status = 'recovering'");
      return rows.map((r) => JSON.parse(String(r['record'])) as Incident);
    },
    async putIncident(i: Incident): Promise<void> {
      await sql.run(
        `INSERT INTO notify_incidents (id, cell, endpoint, status, opened_at, record) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
        [i.id, i.cell, i.endpoint, i.status, i.openedAt, JSON.stringify(i)],
      );
    },
    async incidents(q: { open: boolean; limit: number }): Promise<Incident[]> {
      const where = q.open ? "WHERE status <> 'closed'" : '';
      const rows = await sql.all<Row>(
        `SELECT record FROM notify_incidents ${where} ORDER BY opened_at DESC, id LIMIT ?`,
        [q.limit],
      );
      return rows.map((r) => JSON.parse(String(r['record'])) as Incident);
    },

    async enqueue(d: Delivery): Promise<void> {
      await sql.run(
        `INSERT INTO notify_outbox (id, channel_id, incident_id, kind, message, status, attempts, next_at, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
        [d.id, d.channelId, d.incidentId, d.kind, JSON.stringify(d.message), d.nextAt, d.createdAt],
      );
    },
    /** Due notifications: pending and due, or left `sending` by a hub that died mid-delivery. */
    async due(now: number, limit: number): Promise<Delivery[]> {
      const rows = await sql.all<Row>(
        `SELECT * FROM notify_outbox
         WHERE (status = 'pending' AND next_at <= ?) OR (status = 'sending' AND lease_until < ?)
         ORDER BY next_at, id LIMIT ?`,
        [now, now, limit],
      );
      return rows.map(deliveryOf);
    },
    /**
     * Takes a due notification for this replica until `leaseUntil`; false when another replica
     * took it first (compare-and-set on its status and attempts).
     */
    async claim(d: Delivery, now: number, leaseUntil: number): Promise<boolean> {
      const changed = await sql.run(
        `UPDATE notify_outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1
         WHERE id = ? AND attempts = ? AND ((status = 'pending' AND next_at <= ?) OR (status = 'sending' AND lease_until < ?))`,
        [leaseUntil, d.id, d.attempts, now, now],
      );
      return changed === 1;
    },
    async settle(
      id: string,
      o: { status: 'sent' | 'pending' | 'failed'; at: number; nextAt?: number; error?: string },
    ): Promise<void> {
      await sql.run(
        `UPDATE notify_outbox SET status = ?, lease_until = NULL, last_error = ?, sent_at = ?, next_at = ?
         WHERE id = ?`,
        [o.status, o.error ?? null, o.status === 'sent' ? o.at : null, o.nextAt ?? o.at, id],
      );
    },
    /** The channels told of an incident's opening: its recovery goes to them, and only them. */
    async openedOn(incidentId: string): Promise<string[]> {
      const rows = await sql.all<Row>(
        "SELECT DISTINCT channel_id FROM notify_outbox WHERE incident_id = ? AND kind = 'opened'",
        [incidentId],
      );
      return rows.map((r) => String(r['channel_id']));
    },
    async deliveries(limit: number): Promise<Delivery[]> {
      const rows = await sql.all<Row>('SELECT * FROM notify_outbox ORDER BY created_at DESC, id LIMIT ?', [
        limit,
      ]);
      return rows.map(deliveryOf);
    },
    async lastDelivery(channelId: string): Promise<Delivery | undefined> {
      const r = await sql.get<Row>(
        'SELECT * FROM notify_outbox WHERE channel_id = ? ORDER BY created_at DESC, id LIMIT 1',
        [channelId],
      );
      return r ? deliveryOf(r) : undefined;
    },
    async counts(): Promise<{ pending: number; failed: number }> {
      const rows = await sql.all<{ status: string; n: number | string }>(
        "SELECT status, COUNT(*) AS n FROM notify_outbox WHERE status IN ('pending', 'sending', 'failed') GROUP BY status",
      );
      const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { pending: of('pending') + of('sending'), failed: of('failed') };
    },
  };
}

export type NotifyStore = Awaited<ReturnType<typeof openNotifyStore>>;
