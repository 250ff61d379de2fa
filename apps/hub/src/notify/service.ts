// Notifications from the hub itself (issue 15): a stored probe moves its cell endpoint's
// incident (core's stepIncident); an incident that opens or recovers queues one notification
// per matching channel in the same transaction; a loop delivers what is due, retrying with
// backoff, and closes incidents whose recovery has settled. Admin changes are audited.
import { backoffDelay, type Incident, settleIncident, severityAtLeast, stepIncident } from '@cellfleet/core';
import type {
  ChannelInput,
  ChannelView,
  DeliveryView,
  Envelope,
  IncidentView,
  NotificationRouteInput,
  NotificationRouteView,
  ProbeBody,
} from '@cellfleet/protocol';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.ts';
import type { Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import { type SendFn, sendNotification, targetOf } from './channels.ts';
import { incidentMessage, type NotificationMessage, testMessage } from './message.ts';
import {
  type Delivery,
  deliveryView,
  type NotifyStore,
  openNotifyStore,
  type StoredChannel,
} from './store.ts';

export interface Place {
  readonly site: string;
  readonly line: string;
  readonly group: string;
}

export interface DeliveryPolicy {
  /** Attempts before a notification is marked failed (visible in the UI and as a metric). */
  readonly maxAttempts: number;
  readonly backoff: { readonly baseMs: number; readonly capMs: number };
  /** A delivery left `sending` this long (its hub died) is tried again. */
  readonly leaseMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = {
  maxAttempts: 10,
  backoff: { baseMs: 5_000, capMs: 15 * 60_000 },
  leaseMs: 2 * 60_000,
  timeoutMs: 10_000,
};

export interface NotifyDeps {
  readonly sql: Sql;
  readonly audit: AuditLog;
  readonly newId: () => string;
  readonly logger: Logger;
  /** Where a cell is (from its enrollment), for routes by site, line and group. */
  readonly placeOf: (cell: string) => Promise<Place | undefined>;
  /** True while an approved action runs on the cell: its incidents stay quiet. */
  readonly quiet: (cell: string) => Promise<boolean>;
  /** Base of the links in a message (the hub's address as people reach it). */
  readonly publicUrl: () => string;
  readonly settleMs?: number;
  readonly policy?: Partial<DeliveryPolicy>;
  readonly send?: SendFn;
  readonly random?: () => number;
  readonly observe?: (channelKind: string, outcome: 'sent' | 'failed') => void;
}

export const DEFAULT_SETTLE_MS = 30_000;
const DUE_BATCH = 20;

export async function openNotifyService(d: NotifyDeps) {
  const store: NotifyStore = await openNotifyStore(d.sql);
  const policy = { ...DEFAULT_DELIVERY, ...d.policy };
  const settleMs = d.settleMs ?? DEFAULT_SETTLE_MS;
  const send = d.send ?? sendNotification;
  const random = d.random ?? Math.random;
  const { sql } = d;

  const record = (actor: string, event: string, subject: string, data: Record<string, string>, now: number) =>
    d.audit.append({ actor, event, subject, data }, now);

  /**
   * An opening goes to every channel whose routes take the incident (one message a channel,
   * however many routes match); its recovery goes to the channels that heard of the opening.
   */
  async function queueFor(i: Incident, kind: 'opened' | 'recovered', now: number): Promise<number> {
    if (i.quiet) return 0;
    const channels = kind === 'opened' ? await routedChannels(i) : new Set(await store.openedOn(i.id));
    const message = incidentMessage(i, kind, { publicUrl: d.publicUrl(), now });
    for (const channelId of channels)
      await store.enqueue(newDelivery({ channelId, incidentId: i.id, message, now }));
    return channels.size;
  }

  async function routedChannels(i: Incident): Promise<Set<string>> {
    const place = await d.placeOf(i.cell);
    if (!place) return new Set();
    return new Set(
      (await store.routes())
        .filter(
          (r) =>
            (r.site === null || r.site === place.site) &&
            (r.line === null || r.line === place.line) &&
            (r.group === null || r.group === place.group) &&
            severityAtLeast(i.severity, r.minSeverity),
        )
        .map((r) => r.channelId),
    );
  }

  const newDelivery = (o: {
    channelId: string;
    incidentId: string | null;
    message: NotificationMessage;
    now: number;
  }): Delivery => ({
    id: d.newId(),
    channelId: o.channelId,
    incidentId: o.incidentId,
    kind: o.message.kind,
    message: o.message,
    status: 'pending',
    attempts: 0,
    nextAt: o.now,
    lastError: null,
    createdAt: o.now,
    sentAt: null,
  });

  /** A stored probe: its endpoint's incident moves; an opening is told (unless quiet). */
  async function onProbe(m: Envelope<'probe'>, now: number): Promise<void> {
    const p = m.body;
    // Most probes pass on cells without an incident: one indexed read, no transaction.
    if (p.ok && !(await store.openIncident(m.cell, p.endpoint))) return;
    await sql.tx(async () => {
      await sql.lock(`notify:${m.cell}:${p.endpoint}`);
      const current = await store.openIncident(m.cell, p.endpoint);
      // A resent probe older than what the incident saw cannot move it backwards.
      if (current && p.startedAt < current.lastFailAt) return;
      const opening = !p.ok && !current;
      const step = stepIncident(
        current,
        { cell: m.cell, endpoint: p.endpoint },
        { ok: p.ok, at: p.startedAt, ...diagnosisOf(p) },
        { newId: d.newId, quiet: opening ? await d.quiet(m.cell) : false, settleMs },
      );
      if (!step.incident || (step.event === 'none' && step.incident === current)) return;
      await store.putIncident(step.incident);
      if (step.event === 'opened' || step.event === 'recovered')
        await queueFor(step.incident, step.event, now);
    });
  }

  /** Closes incidents whose recovery has lasted settleMs, telling whoever heard of them. */
  async function settleRecoveries(now: number): Promise<void> {
    for (const r of await store.recovering()) {
      if (r.recoveringSince === null || now - r.recoveringSince < settleMs) continue;
      await sql.tx(async () => {
        await sql.lock(`notify:${r.cell}:${r.endpoint}`);
        const current = await store.openIncident(r.cell, r.endpoint);
        if (!current) return;
        const s = settleIncident(current, now, settleMs);
        if (s.event !== 'recovered' || !s.incident) return;
        await store.putIncident(s.incident);
        await queueFor(s.incident, 'recovered', now);
      });
    }
  }

  async function deliverDue(now: number): Promise<number> {
    const channels = new Map((await store.channels()).map((c) => [c.id, c]));
    let done = 0;
    for (const due of await store.due(now, DUE_BATCH)) {
      if (!(await store.claim(due, now, now + policy.leaseMs))) continue;
      const channel = channels.get(due.channelId);
      const attempt = due.attempts + 1;
      if (!channel) {
        await store.settle(due.id, { status: 'failed', at: now, error: 'the channel was removed' });
        continue;
      }
      try {
        await send(channel.input, due.message, { deliveryId: due.id, now, timeoutMs: policy.timeoutMs });
        await store.settle(due.id, { status: 'sent', at: now });
        d.observe?.(channel.input.kind, 'sent');
        done++;
      } catch (err) {
        const error = (err as Error).message.slice(0, 500);
        const last = attempt >= policy.maxAttempts;
        const nextAt = now + Math.max(1000, backoffDelay(attempt - 1, random(), policy.backoff));
        await store.settle(due.id, { status: last ? 'failed' : 'pending', at: now, nextAt, error });
        d.observe?.(channel.input.kind, 'failed');
        d.logger.warn(
          { cell: due.message.cell, channel: channel.input.name, attempt, error, gaveUp: last },
          'notify: delivery failed',
        );
      }
    }
    return done;
  }

  async function channelViews(): Promise<ChannelView[]> {
    const out: ChannelView[] = [];
    for (const c of await store.channels()) {
      const last = await store.lastDelivery(c.id);
      out.push({
        id: c.id,
        name: c.input.name,
        kind: c.input.kind,
        target: targetOf(c.input),
        createdAt: c.createdAt,
        lastDelivery: last ? deliveryView(last, c.input.name) : null,
      });
    }
    return out;
  }

  async function channel(id: string): Promise<StoredChannel> {
    const c = (await store.channels()).find((x) => x.id === id);
    if (!c) throw new AppError('not-found', `no notification channel ${id}`, { field: 'id' });
    return c;
  }

  return {
    onProbe,
    /** One pass of the delivery loop: settle recoveries, then send what is due. */
    async tick(now: number): Promise<number> {
      await settleRecoveries(now);
      return deliverDue(now);
    },
    counts: () => store.counts(),
    channels: channelViews,
    async createChannel(actor: string, input: ChannelInput, now: number): Promise<ChannelView> {
      if (await store.channelNamed(input.name))
        throw new AppError('conflict', `a channel named "${input.name}" exists`, { field: 'name' });
      const id = d.newId();
      await sql.tx(async () => {
        await store.addChannel({ id, input, createdAt: now });
        await record(
          actor,
          'notify.channel-created',
          `channel:${id}`,
          { name: input.name, kind: input.kind, target: targetOf(input) },
          now,
        );
      });
      return {
        id,
        name: input.name,
        kind: input.kind,
        target: targetOf(input),
        createdAt: now,
        lastDelivery: null,
      };
    },
    async deleteChannel(actor: string, id: string, now: number): Promise<void> {
      const c = await channel(id);
      await sql.tx(async () => {
        await store.removeChannel(id);
        await record(actor, 'notify.channel-deleted', `channel:${id}`, { name: c.input.name }, now);
      });
    },
    async testChannel(actor: string, id: string, now: number): Promise<DeliveryView> {
      const c = await channel(id);
      const thread = d.newId();
      const delivery = newDelivery({
        channelId: id,
        incidentId: null,
        message: testMessage(c.input.name, thread),
        now,
      });
      await sql.tx(async () => {
        await store.enqueue(delivery);
        await record(actor, 'notify.test-queued', `channel:${id}`, { name: c.input.name }, now);
      });
      return deliveryView(delivery, c.input.name);
    },
    routes: () => store.routes(),
    async createRoute(
      actor: string,
      input: NotificationRouteInput,
      now: number,
    ): Promise<NotificationRouteView> {
      await channel(input.channelId);
      const r: NotificationRouteView = {
        id: d.newId(),
        channelId: input.channelId,
        site: input.site ?? null,
        line: input.line ?? null,
        group: input.group ?? null,
        minSeverity: input.minSeverity ?? 'warning',
      };
      await sql.tx(async () => {
        await store.addRoute(r);
        await record(
          actor,
          'notify.route-created',
          `route:${r.id}`,
          {
            channel: r.channelId,
            where: [r.site ?? '*', r.line ?? '*', r.group ?? '*'].join('/'),
            minSeverity: r.minSeverity,
          },
          now,
        );
      });
      return r;
    },
    async deleteRoute(actor: string, id: string, now: number): Promise<void> {
      await sql.tx(async () => {
        if (!(await store.removeRoute(id)))
          throw new AppError('not-found', `no notification route ${id}`, { field: 'id' });
        await record(actor, 'notify.route-deleted', `route:${id}`, {}, now);
      });
    },
    async deliveries(limit = 100): Promise<DeliveryView[]> {
      const names = new Map((await store.channels()).map((c) => [c.id, c.input.name]));
      return (await store.deliveries(limit)).map((x) =>
        deliveryView(x, names.get(x.channelId) ?? '(removed)'),
      );
    },
    async incidents(q: { open: boolean; limit: number }): Promise<IncidentView[]> {
      return (await store.incidents(q)).map(incidentView);
    },
  };
}

export type NotifyService = Awaited<ReturnType<typeof openNotifyService>>;

/** The diagnosis in what incidents keep: code, severity, summary, the vendor's first fix step. */
function diagnosisOf(p: ProbeBody) {
  const r = p.diagnosis.remediation ?? [];
  const forVendor = r.find((x) => x.vendor === p.vendor) ?? r[0];
  return {
    code: p.diagnosis.code,
    severity: p.diagnosis.severity,
    summary: p.diagnosis.summary,
    fix: forVendor?.steps[0] ?? null,
  };
}

const incidentView = (i: Incident): IncidentView => ({
  id: i.id,
  cell: i.cell,
  endpoint: i.endpoint,
  code: i.code,
  severity: i.severity,
  summary: i.summary,
  status: i.status,
  openedAt: i.openedAt,
  lastFailAt: i.lastFailAt,
  closedAt: i.closedAt,
  flaps: i.flaps,
  quiet: i.quiet,
});
