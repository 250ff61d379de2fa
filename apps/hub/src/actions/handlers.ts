// What the action service does with stored agent messages (the ingest router's rows): a
// result settles its run; a birth means the agent is back, so its unanswered runs go again.
import type { Logger } from 'pino';
import type { KindHandler } from '../ingest/router.ts';
import type { ActionService } from './service.ts';

export function actionHandlers(actions: ActionService, o: { now: () => number; logger: Logger }) {
  const resend: KindHandler<'birth'> = {
    owner: 'actions',
    async afterAck(m) {
      await actions.resendUnanswered(m.cell, o.now());
    },
  };
  const result: KindHandler<'action-result'> = {
    owner: 'actions',
    async afterAck(m) {
      const r = await actions.recordResult(m.cell, m.body, o.now());
      if (!r.ok) o.logger.warn({ cell: m.cell, code: r.code, reason: r.message }, 'action result refused');
    },
  };
  return { birth: [resend], 'action-result': [result] } as const;
}
