// Who may touch which topic. Decided with the protocol's own topic parser, so the ACL and
// the namespace can never disagree. An agent publishes only on its own cell's up channels and
// subscribes only to its own cell's down channels, by exact topic (no wildcards).
import { cellId, parseTopic } from '@cellfleet/protocol';

export type Principal = { readonly kind: 'agent'; readonly cellId: string } | { readonly kind: 'hub' };

export type Decision = { allow: true } | { allow: false; reason: string };

const allow: Decision = { allow: true };
const deny = (reason: string): Decision => ({ allow: false, reason });

export function mayPublish(who: Principal, topic: string): Decision {
  const t = parseTopic(topic);
  if (!t.ok) return deny(`topic outside the cellfleet namespace (${t.reason})`);
  if (who.kind === 'hub')
    return t.direction === 'down' ? allow : deny('the hub publishes only on down channels');
  if (t.direction !== 'up') return deny(`agents may not publish on the ${t.channel} channel`);
  if (cellId(t.ref) !== who.cellId) return deny(`topic belongs to cell ${cellId(t.ref)}`);
  return allow;
}

export function maySubscribe(who: Principal, filter: string): Decision {
  if (who.kind === 'hub') {
    const plain = filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter;
    return /^cellfleet\/v1\/\+\/\+\/\+\/[a-z]+$/.test(plain)
      ? allow
      : deny('the hub subscribes only to up channels');
  }
  if (filter.includes('+') || filter.includes('#')) return deny('agents may not use wildcards');
  const t = parseTopic(filter);
  if (!t.ok) return deny(`topic outside the cellfleet namespace (${t.reason})`);
  if (t.direction !== 'down') return deny(`agents may not subscribe to the ${t.channel} channel`);
  if (cellId(t.ref) !== who.cellId) return deny(`topic belongs to cell ${cellId(t.ref)}`);
  return allow;
}
