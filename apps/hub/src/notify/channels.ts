// How a notification leaves the hub, per channel kind: a generic webhook (JSON signed with
// HMAC-SHA256 over "timestamp.body", the way Stripe and GitHub sign theirs), a Slack or
// Microsoft Teams incoming webhook, or email over SMTP (nodemailer) with TLS required. Errors
// name the channel's host and what went wrong, never a secret: Slack and Teams URLs are
// credentials themselves.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChannelInput, EmailChannelConfig } from '@cellfleet/protocol';
import { createTransport } from 'nodemailer';
import type { NotificationMessage } from './message.ts';

export const SIGNATURE_HEADER = 'x-cellfleet-signature';
export const TIMESTAMP_HEADER = 'x-cellfleet-timestamp';
export const DELIVERY_HEADER = 'x-cellfleet-delivery';

/** The webhook signature a receiver recomputes: `sha256=` + hex HMAC of `${timestamp}.${body}`. */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface SendContext {
  /** The delivery's id: receivers may use it to drop a repeat (X-Cellfleet-Delivery, Message-ID). */
  readonly deliveryId: string;
  readonly now: number;
  readonly timeoutMs: number;
}

export type SendFn = (channel: ChannelInput, m: NotificationMessage, ctx: SendContext) => Promise<void>;

export const sendNotification: SendFn = (channel, m, ctx) => {
  switch (channel.kind) {
    case 'webhook': {
      const body = JSON.stringify(webhookBody(m, ctx));
      const ts = String(Math.floor(ctx.now / 1000));
      return post(channel.config.url, body, ctx, {
        [TIMESTAMP_HEADER]: ts,
        [SIGNATURE_HEADER]: signBody(channel.config.secret, ts, body),
      });
    }
    case 'slack':
      return post(channel.config.url, JSON.stringify(slackBody(m)), ctx);
    case 'teams':
      return post(channel.config.url, JSON.stringify(teamsBody(m)), ctx);
    case 'email':
      return sendEmail(channel.config, m, ctx);
  }
};

/** Where a channel sends, for the UI and logs: no secrets, no webhook path (it is the secret). */
export function targetOf(channel: ChannelInput): string {
  if (channel.kind === 'email')
    return `smtp ${channel.config.host}:${channel.config.port} (${channel.config.tls}) → ${channel.config.to.join(', ')}`;
  const u = new URL(channel.config.url);
  return `${u.protocol}//${u.host}/…`;
}

function webhookBody(m: NotificationMessage, ctx: SendContext) {
  return {
    id: ctx.deliveryId,
    kind: m.kind,
    incident: m.kind === 'test' ? null : m.thread,
    subject: m.subject,
    text: m.text,
    cell: m.cell,
    code: m.code,
    severity: m.severity,
    flaps: m.flaps,
    links: m.links,
    sentAt: new Date(ctx.now).toISOString(),
  };
}

// Slack incoming webhooks take `text` with mrkdwn (api.slack.com/messaging/webhooks); a
// webhook cannot reply in a thread, so a recovery repeats the subject it answers.
const slackBody = (m: NotificationMessage) => ({
  text: `${m.kind === 'recovered' ? ':white_check_mark: Resolved: ' : ''}*${m.subject}*\n${m.text}`,
});

// Teams (Workflows and legacy connector webhooks) take a message with an Adaptive Card
// attachment (learn.microsoft.com, "Create incoming webhooks with Workflows").
const teamsBody = (m: NotificationMessage) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          {
            type: 'TextBlock',
            text: `${m.kind === 'recovered' ? 'Resolved: ' : ''}${m.subject}`,
            weight: 'Bolder',
            wrap: true,
          },
          { type: 'TextBlock', text: m.text, wrap: true },
        ],
        actions: m.links
          ? [
              { type: 'Action.OpenUrl', title: 'Open the cell', url: m.links.cell },
              { type: 'Action.OpenUrl', title: 'Fault notebook', url: m.links.notebook },
            ]
          : [],
      },
    },
  ],
});

async function post(
  url: string,
  body: string,
  ctx: SendContext,
  headers: Record<string, string> = {},
): Promise<void> {
  const host = new URL(url).host;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [DELIVERY_HEADER]: ctx.deliveryId, ...headers },
      body,
      signal: AbortSignal.timeout(ctx.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new Error(`${host}: ${cause}`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`${host} answered ${res.status}`);
}

/** The Message-ID of an incident's first email, which its recovery answers (RFC 5322 §3.6.4). */
export const threadId = (thread: string) => `<incident-${thread}@cellfleet>`;

async function sendEmail(c: EmailChannelConfig, m: NotificationMessage, ctx: SendContext): Promise<void> {
  const transport = createTransport({
    host: c.host,
    port: c.port,
    secure: c.tls === 'tls',
    requireTLS: c.tls === 'starttls',
    ...(c.user && c.password ? { auth: { user: c.user, pass: c.password } } : {}),
    tls: { minVersion: 'TLSv1.2', ...(c.caFile ? { ca: readFileSync(c.caFile) } : {}) },
    connectionTimeout: ctx.timeoutMs,
    greetingTimeout: ctx.timeoutMs,
    socketTimeout: ctx.timeoutMs,
  });
  const reply = m.kind === 'recovered';
  try {
    await transport.sendMail({
      from: c.from,
      to: c.to,
      subject: reply ? `Re: ${m.subject}` : m.subject,
      text: m.text,
      messageId: m.kind === 'opened' ? threadId(m.thread) : `<delivery-${ctx.deliveryId}@cellfleet>`,
      ...(reply ? { inReplyTo: threadId(m.thread), references: [threadId(m.thread)] } : {}),
      headers: { [DELIVERY_HEADER]: ctx.deliveryId },
    });
  } catch (err) {
    const e = err as { code?: string; responseCode?: number; message: string };
    throw new Error(
      `smtp ${c.host}:${c.port}: ${e.code ?? ''}${e.responseCode ? ` ${e.responseCode}` : ''} ${e.message.split('\n')[0]}`.trim(),
    );
  } finally {
    transport.close();
  }
}
