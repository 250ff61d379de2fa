// What a notification says, decided when it is queued (so a retry sends the same words): the
// cell, the diagnosis in one line, the first fix step for its vendor, and links to the cell
// page and its fault notebook. Recoveries answer on the same thread (an email's References, a
// webhook's incident id); the channels turn this into their own formats (channels.ts).
import type { Incident } from '@cellfleet/core';
import type { DeliveryKind } from '@cellfleet/protocol';

export interface NotificationMessage {
  readonly kind: DeliveryKind;
  /** The thread this belongs to: the incident id (a test has its own). */
  readonly thread: string;
  readonly subject: string;
  readonly text: string;
  readonly cell: string | null;
  readonly code: string | null;
  readonly severity: string | null;
  readonly flaps: number;
  readonly links: { readonly cell: string; readonly notebook: string } | null;
}

export function incidentMessage(
  i: Incident,
  kind: 'opened' | 'recovered',
  o: { readonly publicUrl: string; readonly now: number },
): NotificationMessage {
  const id = encodeURIComponent(i.cell);
  const links = {
    cell: `${o.publicUrl}/#/cell/${id}`,
    notebook: `${o.publicUrl}/api/cells/${id}/notebook?format=md`,
  };
  const place = `${i.cell} (${i.endpoint})`;
  const flapped =
    i.flaps > 0 ? `; it flapped ${i.flaps} time${i.flaps === 1 ? '' : 's'} before settling` : '';
  const lasted = Math.max(0, Math.round(((i.closedAt ?? o.now) - i.openedAt) / 60_000));
  const lines =
    kind === 'opened'
      ? [
          `${place}: ${i.code} — ${oneLine(i.summary)}`,
          ...(i.fix ? [`First step: ${oneLine(i.fix)}`] : []),
          `Cell: ${links.cell}`,
          `Notebook: ${links.notebook}`,
        ]
      : [
          `${place} recovered after ${lasted} min${flapped}.`,
          `It had failed with ${i.code}: ${oneLine(i.summary)}`,
          `Cell: ${links.cell}`,
          `Notebook: ${links.notebook}`,
        ];
  return {
    kind,
    thread: i.id,
    subject: `[Cellfleet] ${i.severity.toUpperCase()} ${i.cell}: ${i.code}`,
    text: lines.join('\n'),
    cell: i.cell,
    code: i.code,
    severity: i.severity,
    flaps: i.flaps,
    links,
  };
}

export function testMessage(channelName: string, id: string): NotificationMessage {
  return {
    kind: 'test',
    thread: id,
    subject: `[Cellfleet] test notification for ${channelName}`,
    text: `This is a test from the Cellfleet hub: channel "${channelName}" works.`,
    cell: null,
    code: null,
    severity: null,
    flaps: 0,
    links: null,
  };
}

/** The first line, at most 300 characters: a chat message is not the place for a whole diagnosis. */
function oneLine(text: string): string {
  const first = text.split('\n')[0]?.trim() ?? '';
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}
