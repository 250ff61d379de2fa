// The fleet over HTTP: every cell, one cell, and one cell's fault notebook (core/notebook.ts,
// built from its stored probes, as JSON or as Markdown to attach to a work order).
import {
  buildNotebook,
  DEFAULT_WATCH_MS,
  matchesSearch,
  notebookMarkdown,
  searchTerms,
  withExactCommands,
} from '@cellfleet/core';
import {
  type AgentInvocation,
  API,
  type CellDetail,
  type CellSummary,
  type LastProbe,
  LIST_CELLS_MAX_IDS,
} from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../kernel/errors.ts';
import type { RejectLog } from '../kernel/reject-log.ts';
import { route, sendFile } from '../kernel/routes.ts';
import type { CaptureStore } from './captures.ts';
import type { InvocationStore } from './invocations.ts';
import type { CellStore } from './store.ts';
import { trustView } from './trust.ts';

/** Probes read for a notebook: enough for weeks of history at one probe a minute. */
const HISTORY_LIMIT = 10_000;

export interface CellRouteDeps {
  readonly cells: CellStore;
  /** The last failing probe captures (issue 17); without it the cell page offers none. */
  readonly captures?: CaptureStore;
  readonly invocations: InvocationStore;
  readonly now: () => number;
  /** Refusals counted by this process's broker and ingest. */
  readonly rejects: Pick<RejectLog, 'totals'>;
  readonly watchMs?: number;
}

/** The ids of `?ids=a,b`, or undefined for the whole fleet; more than the contract allows is refused. */
function idsOf(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const ids = [...new Set(list.split(',').map((s) => s.trim()))].filter(Boolean);
  if (ids.length > LIST_CELLS_MAX_IDS)
    throw new AppError(
      'bad-request',
      `ids names ${ids.length} cells; at most ${LIST_CELLS_MAX_IDS} at once`,
      {
        field: 'ids',
      },
    );
  return ids;
}

const notEnrolled = (id: string) => new AppError('not-found', `no cell "${id}" is enrolled`);

export async function cellRoutes(app: FastifyInstance, d: CellRouteDeps): Promise<void> {
  route(app, API.listCells, async (req) => {
    const cells = await d.cells.listCells(idsOf(req.query.ids));
    const q = req.query.q?.trim();
    return q ? cells.filter((c) => matchesSearch(cellSearchTerms(c), q)) : cells;
  });

  route(app, API.getCell, async (req) => {
    const cell = await d.cells.getCell(req.params.id);
    if (!cell) throw notEnrolled(req.params.id);
    const detail = exactCommands(cell, await d.invocations.get(cell.id));
    return d.captures ? { ...detail, captures: await d.captures.list(cell.id) } : detail;
  });

  route(app, API.getCapture, async (req, reply) => {
    const { id, endpoint } = req.params;
    if (!(await d.cells.getEnrollment(id))) throw notEnrolled(id);
    const bytes = await d.captures?.get(id, endpoint, req.query.client);
    const who = req.query.client ? ` as ${req.query.client}` : '';
    if (!bytes) throw new AppError('not-found', `no failing probe capture of ${endpoint}${who} on ${id}`);
    const name = [id, endpoint, req.query.client]
      .filter(Boolean)
      .join('-')
      .replace(/[^A-Za-z0-9._-]/g, '_');
    return sendFile(reply, { type: 'application/x-pcapng', body: bytes, filename: `${name}.pcapng` });
  });

  route(app, API.getTrust, async (req) => {
    const view = await trustView(d, req.params.id);
    if (!view) throw notEnrolled(req.params.id);
    return view;
  });

  route(app, API.getRefusals, async (req) => {
    if (!(await d.cells.getCell(req.params.id, 0))) throw notEnrolled(req.params.id);
    return { cell: req.params.id, refused: d.rejects.totals()[req.params.id] ?? {} };
  });

  route(app, API.getNotebook, async (req, reply) => {
    const cell = await d.cells.getCell(req.params.id, HISTORY_LIMIT);
    if (!cell) throw notEnrolled(req.params.id);
    const points = cell.probes.map((p) => ({
      at: p.at,
      endpoint: p.endpoint,
      ...(p.client ? { client: p.clientLabel ?? p.client } : {}),
      ok: p.ok,
      code: p.diagnosis.code,
      summary: p.diagnosis.summary,
    }));
    const now = d.now();
    const watchMs = d.watchMs ?? DEFAULT_WATCH_MS;
    const entries = buildNotebook(points, { now, watchMs });
    if (req.query.format === 'md') {
      return sendFile(reply, {
        type: 'text/markdown; charset=utf-8',
        filename: `${cell.id}-notebook.md`,
        body: notebookMarkdown(cell.id, entries, now),
      });
    }
    return { cell: cell.id, watchMs, entries };
  });
}

/** The cell with every agent command in its diagnoses written for its own agent (core/agent-commands.ts). */
function exactCommands(cell: CellDetail, inv: AgentInvocation | undefined): CellDetail {
  const probe = (p: LastProbe): LastProbe => ({
    ...p,
    diagnosis: withExactCommands(p.diagnosis, inv),
    findings: p.findings.map((f) => withExactCommands(f, inv)),
  });
  return { ...cell, lastProbe: cell.lastProbe && probe(cell.lastProbe), probes: cell.probes.map(probe) };
}

/** What a cell is found by: its place and group, and its platform and diagnosis (core/search.ts). */
export function cellSearchTerms(c: CellSummary): string[] {
  const p = c.lastProbe;
  const codes = p ? [p.diagnosis.code, ...p.findings.map((f) => f.code)] : [];
  return [
    c.id,
    c.sisterGroup,
    ...searchTerms({
      ...(p?.platform
        ? { vendor: p.platform.vendor, ...(p.platform.product ? { product: p.platform.product } : {}) }
        : {}),
      ...(c.buildInfo ? { buildInfo: c.buildInfo } : {}),
      codes,
    }),
  ];
}
