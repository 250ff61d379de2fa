// The delivery loop: one pass at a time (a pass waits for its sends), so stopping the hub
// waits for a delivery in flight to be marked sent, and a restarted hub never sends it again.
import type { Logger } from 'pino';
import type { NotifyService } from './service.ts';

export function startDeliveryLoop(o: {
  readonly notify: NotifyService;
  readonly now: () => number;
  readonly intervalMs: number;
  readonly logger: Logger;
}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = o.notify
      .tick(o.now())
      .then(
        () => undefined,
        (err: Error) => o.logger.error({ err: err.message }, 'notify: delivery pass failed'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, o.intervalMs);
      });
  };
  timer = setTimeout(pass, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
