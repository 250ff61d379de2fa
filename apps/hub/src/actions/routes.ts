// Actions and maintenance windows over HTTP. Action decisions check roles in the service, not
// in a route hook, so a refused approval (wrong role, own action) is written to the audit log.
import {
  ActionView,
  ApproveRequest,
  ErrorBody,
  HubKeyView,
  IdParams,
  ListActionsQuery,
  MaintenanceWindow,
  MaintenanceWindowInput,
  ProposeActionRequest,
  ReasonRequest,
} from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { actorOf, requireRole } from '../kernel/guard.ts';
import type { ActionService } from './service.ts';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
const WindowParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export interface ActionRouteDeps {
  readonly actions: ActionService;
  readonly now: () => number;
}

export function actionRoutes(app: FastifyInstance, { actions, now }: ActionRouteDeps): void {
  const viewer = { preHandler: requireRole('viewer') };
  const tags = ['actions'];

  app.post<{ Body: ProposeActionRequest }>(
    '/api/actions',
    {
      ...viewer,
      schema: {
        tags,
        summary: 'Propose an action (engineer)',
        body: ProposeActionRequest,
        response: { 201: ActionView, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await actions.propose(actorOf(req), req.body, now())),
  );
  app.get<{ Querystring: ListActionsQuery }>(
    '/api/actions',
    {
      ...viewer,
      schema: { tags, querystring: ListActionsQuery, response: { 200: Type.Array(ActionView), ...errors } },
    },
    (req) => actions.list(req.query),
  );
  app.get<{ Params: { id: string } }>(
    '/api/actions/:id',
    { ...viewer, schema: { tags, params: IdParams, response: { 200: ActionView, ...errors } } },
    (req) => actions.get(req.params.id),
  );
  app.post<{ Params: { id: string }; Body: { comment?: string } }>(
    '/api/actions/:id/approve',
    {
      ...viewer,
      schema: {
        tags,
        summary: 'Approve (approver; never the proposer)',
        params: IdParams,
        body: ApproveRequest,
        response: { 200: ActionView, ...errors },
      },
    },
    (req) => actions.approve(actorOf(req), req.params.id, now(), req.body.comment),
  );
  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/actions/:id/reject',
    {
      ...viewer,
      schema: {
        tags,
        summary: 'Reject (approver)',
        params: IdParams,
        body: ReasonRequest,
        response: { 200: ActionView, ...errors },
      },
    },
    (req) => actions.reject(actorOf(req), req.params.id, now(), req.body.reason),
  );
  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/actions/:id/cancel',
    {
      ...viewer,
      schema: {
        tags,
        summary: 'Cancel before dispatch (proposer or approver)',
        params: IdParams,
        body: ReasonRequest,
        response: { 200: ActionView, ...errors },
      },
    },
    (req) => actions.cancel(actorOf(req), req.params.id, now(), req.body.reason),
  );
  app.get(
    '/api/action-keys',
    {
      ...viewer,
      schema: {
        tags,
        summary: 'Hub public keys for agents to pin',
        response: { 200: Type.Array(HubKeyView), ...errors },
      },
    },
    () => actions.keys(),
  );
  windowRoutes(app, { actions, now });
}

function windowRoutes(app: FastifyInstance, { actions, now }: ActionRouteDeps): void {
  const tags = ['windows'];
  const read = { preHandler: requireRole('viewer') };
  const write = { preHandler: requireRole('approver') };
  const { windows } = actions;
  app.get(
    '/api/windows',
    { ...read, schema: { tags, response: { 200: Type.Array(MaintenanceWindow), ...errors } } },
    () => windows.list(),
  );
  app.get<{ Params: { id: string } }>(
    '/api/windows/:id',
    { ...read, schema: { tags, params: WindowParams, response: { 200: MaintenanceWindow, ...errors } } },
    (req) => windows.get(req.params.id),
  );
  app.post<{ Body: MaintenanceWindowInput }>(
    '/api/windows',
    {
      ...write,
      schema: { tags, body: MaintenanceWindowInput, response: { 201: MaintenanceWindow, ...errors } },
    },
    async (req, reply) => reply.code(201).send(await windows.create(actorOf(req).name, req.body, now())),
  );
  app.put<{ Params: { id: string }; Body: MaintenanceWindowInput }>(
    '/api/windows/:id',
    {
      ...write,
      schema: {
        tags,
        params: WindowParams,
        body: MaintenanceWindowInput,
        response: { 200: MaintenanceWindow, ...errors },
      },
    },
    (req) => windows.update(actorOf(req).name, req.params.id, req.body, now()),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/windows/:id',
    { ...write, schema: { tags, params: WindowParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await windows.remove(actorOf(req).name, req.params.id, now());
      return reply.code(204).send();
    },
  );
}
