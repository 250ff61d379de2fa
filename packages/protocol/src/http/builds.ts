// Signed agent builds the hub serves for the upgrade-agent action (issue 14, item 6): admins add
// them from the command line (`cellfleet-hub agent-build add`), anyone signed in lists them, and
// an agent downloads one with its own credentials (HTTP Basic: its cell id and secret).
import Type from 'typebox';
import { ErrorBody, Millis } from './common.ts';
import { defineRoutes } from './route.ts';

export const AgentBuildView = Type.Object({
  sha256: Type.String(),
  version: Type.String(),
  size: Type.Integer(),
  /** Ed25519 over core's agentBuildPayload(sha256, version), base64. */
  signature: Type.String(),
  keyId: Type.String(),
  addedBy: Type.String(),
  addedAt: Millis,
});
export type AgentBuildView = Type.Static<typeof AgentBuildView>;

export const BUILD_ROUTES = defineRoutes({
  listAgentBuilds: {
    method: 'GET',
    path: '/api/agent-builds',
    summary: 'Signed agent builds the hub serves, newest first (the upgrade-agent action names one)',
    tags: ['actions'],
    role: 'viewer',
    audited: false,
    responses: { 200: Type.Array(AgentBuildView) },
  },
  getAgentBuild: {
    method: 'GET',
    path: '/api/agent-builds/:sha256',
    summary:
      "One agent build's bytes, for an agent: HTTP Basic with the agent's cell id and secret; anyone else gets 404",
    tags: ['actions'],
    role: 'public',
    audited: false,
    params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
    responses: { 404: ErrorBody },
    produces: ['application/octet-stream'],
  },
});
