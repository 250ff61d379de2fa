// Live updates for browsers: a `cells` event names the cells whose state changed and the kinds
// of message that changed them; the UI refetches what it shows. With one hub the event bus is
// the process. With several replicas behind a load balancer, a browser's SSE stream is held by
// one replica while a shared subscription hands the message to another: pg-bridge.ts carries
// each replica's events to the others through PostgreSQL LISTEN/NOTIFY.
import { EventEmitter } from 'node:events';
import type { Envelope } from '@cellfleet/protocol';

export interface CellsEvent {
  readonly cells: readonly string[];
  readonly kinds: readonly string[];
}

export interface LiveBus {
  /** Subscribes to every change, from this replica or another; returns the unsubscribe. */
  onCells(listener: (e: CellsEvent) => void): () => void;
  /** Announces a change seen here (to local subscribers and, when bridged, to other replicas). */
  publish(e: CellsEvent): void;
  /** Delivers a change another replica announced, to local subscribers only. */
  deliver(e: CellsEvent): void;
  /** Called for every local publish (the bridge forwards them). */
  onPublish(listener: (e: CellsEvent) => void): () => void;
}

export function cellsEventOf(fresh: readonly Envelope[]): CellsEvent {
  return { cells: [...new Set(fresh.map((m) => m.cell))], kinds: [...new Set(fresh.map((m) => m.kind))] };
}

export function createLiveBus(): LiveBus {
  const bus = new EventEmitter();
  bus.setMaxListeners(0); // one listener per open browser tab
  const on = (name: string, listener: (e: CellsEvent) => void) => {
    bus.on(name, listener);
    return () => void bus.off(name, listener);
  };
  return {
    onCells: (listener) => on('cells', listener),
    onPublish: (listener) => on('published', listener),
    publish(e) {
      bus.emit('cells', e);
      bus.emit('published', e);
    },
    deliver(e) {
      bus.emit('cells', e);
    },
  };
}
