// Hub → agent: a message goes to its cell's topic on its kind's channel, so callers never
// build topic strings (topics are built only by the protocol's buildTopic).
import {
  buildTopic,
  type DownKind,
  type Envelope,
  encodeMessage,
  parseCellId,
  topicOf,
} from '@cellfleet/protocol';

export type Publish = (topic: string, payload: Uint8Array) => Promise<void>;
export type SendToCell = (message: Envelope<DownKind>) => Promise<void>;

export function cellSender(publish: Publish): SendToCell {
  return (m) => {
    const ref = parseCellId(m.cell);
    if (!ref) return Promise.reject(new Error(`"${m.cell}" is not a cell id`));
    return publish(topicOf(ref, m.kind), encodeMessage(m));
  };
}
