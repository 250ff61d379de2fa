// Actions, proposals from snapshot data, and maintenance windows over HTTP (a fastify plugin;
// roles and schemas from the protocol's contract). Action decisions check the caller's role in
// the service (`roleCheck: 'service'`), so a refused approval is audited too.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { CellStore } from '../cells/store.ts';
import { actorOf } from '../kernel/guard.ts';
import { route } from '../kernel/routes.ts';
import type { SnapshotService } from '../snapshots/index.ts';
import { proposeFromSnapshots } from './proposals.ts';
import type { ActionService } from './service.ts';

export interface ActionRouteDeps {
  readonly actions: ActionService;
  readonly now: () => number;
}

export async function actionRoutes(app: FastifyInstance, d: ActionRouteDeps): Promise<void> {
  const { actions, now } = d;
  route(app, API.proposeAction, async (req, reply) =>
    reply.code(201).send(await actions.propose(actorOf(req), req.body, now())),
  );
  route(app, API.listActions, (req) => actions.list(req.query));
  route(app, API.getAction, (req) => actions.get(req.params.id));
  route(app, API.approveAction, (req) =>
    actions.approve(actorOf(req), req.params.id, now(), req.body.comment),
  );
  route(app, API.rejectAction, (req) => actions.reject(actorOf(req), req.params.id, now(), req.body.reason));
  route(app, API.cancelAction, (req) => actions.cancel(actorOf(req), req.params.id, now(), req.body.reason));

  const { windows } = actions;
  route(app, API.listWindows, () => windows.list());
  route(app, API.getWindow, (req) => windows.get(req.params.id));
  route(app, API.createWindow, async (req, reply) =>
    reply.code(201).send(await windows.create(actorOf(req).name, req.body, now())),
  );
  route(app, API.updateWindow, (req) => windows.update(actorOf(req).name, req.params.id, req.body, now()));
  route(app, API.deleteWindow, async (req, reply) => {
    await windows.remove(actorOf(req).name, req.params.id, now());
    return reply.code(204).send(null);
  });
}

/** Proposals built from snapshot data need the cells and their snapshots too. */
export async function proposalRoutes(
  app: FastifyInstance,
  d: ActionRouteDeps & { readonly cells: CellStore; readonly snapshots: SnapshotService },
): Promise<void> {
  route(app, API.proposeFromSnapshots, async (req, reply) =>
    reply.code(201).send(await proposeFromSnapshots(d, actorOf(req), req.params.id, req.body)),
  );
}
