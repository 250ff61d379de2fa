// GET /api/action-keys: the hub's public signing keys, for agents to pin.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { route } from '../kernel/routes.ts';
import type { Keyring } from './keyring.ts';

export async function keyRoutes(app: FastifyInstance, keyring: Keyring): Promise<void> {
  route(app, API.listActionKeys, () => keyring.list());
}
