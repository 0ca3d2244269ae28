/**
 * The notification stream's memory: every notification gets the next sequence
 * number (as Core's ZMQ `sequence` notifier numbers its messages), and the most
 * recent ones are kept in a ring bounded by count and bytes, so that a client
 * that lost its connection can resubscribe "since N" and receive exactly what
 * it missed, or learn that the ring no longer holds it (a gap: resync).
 *
 * Numbers belong to one stream: a random id made when the node starts. After a
 * restart the numbers begin again under another id, so a client's N is
 * meaningful only with the stream it came from.
 */
import { randomBytes } from 'node:crypto';

/** One kept notification: what it is about (a topic, or `address:<script hex>`) and its text as sent. */
export interface LoggedEvent {
  seq: number;
  key: string;
  text: string;
}

export interface EventLogLimits {
  /** Notifications kept at most. */
  maxEvents: number;
  /** Bytes of notification text kept at most. */
  maxBytes: number;
}

/** Why a resume cannot be served: the client must re-read what it follows (resync). */
export type GapReason = 'evicted' | 'other-stream' | 'not-watched';

export class EventLog {
  /** This stream's id: sequence numbers from another start of the node mean nothing here. */
  readonly stream = randomBytes(8).toString('hex');
  private readonly ring: LoggedEvent[] = [];
  /** Index of the oldest kept event in `ring` (a moving start instead of shift(), which is O(n)). */
  private head = 0;
  private bytes = 0;
  private seq = 0;

  constructor(private readonly limits: EventLogLimits) {}

  /** The number of the latest notification (0 before the first). */
  get last(): number {
    return this.seq;
  }

  /** The number of the oldest notification kept (last + 1 when none is). */
  get oldest(): number {
    return this.ring[this.head]?.seq ?? this.seq + 1;
  }

  /** Numbers the next notification and keeps it, forgetting the oldest beyond the limits; its text carries `sequence`. */
  record(key: string, method: string, params: Record<string, unknown>): LoggedEvent {
    const event = { seq: ++this.seq, key, text: JSON.stringify({ jsonrpc: '2.0', method, params: { ...params, sequence: this.seq } }) };
    this.ring.push(event);
    this.bytes += event.text.length;
    while (this.ring.length - this.head > this.limits.maxEvents || (this.bytes > this.limits.maxBytes && this.ring.length - this.head > 1)) {
      this.bytes -= this.ring[this.head]!.text.length;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring.splice(0, this.head);
      this.head = 0;
    }
    return event;
  }

  /**
   * Whether every notification after `since` (of `stream`) is still kept: then
   * {@link after} gives them all. `since` equal to {@link last} misses nothing.
   */
  check(since: number, stream: string): GapReason | undefined {
    if (stream !== this.stream) return 'other-stream';
    return since + 1 < this.oldest && since < this.seq ? 'evicted' : undefined;
  }

  /** The kept notifications after `since` whose key `wanted` accepts, oldest first. */
  *after(since: number, wanted: (key: string) => boolean): Generator<LoggedEvent> {
    for (let i = this.head; i < this.ring.length; i++) {
      const event = this.ring[i]!;
      if (event.seq > since && wanted(event.key)) yield event;
    }
  }
}
