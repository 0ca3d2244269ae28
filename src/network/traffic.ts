/**
 * Bytes on the wire per connection and in total, for Core's getpeerinfo
 * (bytessent, bytesrecv, lastsend, lastrecv) and getnettotals. libp2p hands
 * every new connection to its `metrics` component before upgrading it; this
 * is such a component that counts the raw (encrypted, muxed) bytes each
 * connection reads and writes, as Core counts the bytes of its sockets, and
 * registers no metrics of its own (src/metrics exports Tally's).
 */
import type { Metrics, MultiaddrConnection } from '@libp2p/interface';

/** What was counted on one connection; times are the node clock's seconds (0: nothing yet). */
export interface ConnectionTraffic {
  bytesSent: number;
  bytesRecv: number;
  lastSend: number;
  lastRecv: number;
}

type ByteCount = { byteLength: number };
/** The two methods every libp2p v3 connection stream has (AbstractMessageStream): bytes in, bytes out. */
interface CountableConnection {
  onData?: (data: ByteCount) => void;
  sendData?: (data: ByteCount) => { sentBytes: number; canSendMore: boolean };
}

const noop = () => undefined;
const silentMetric = { update: noop, increment: noop, decrement: noop, reset: noop, observe: noop, timer: () => noop };

/** Counts the bytes of every connection libp2p opens. Keyed by the connection's timeline, which libp2p's Connection shares with its MultiaddrConnection. */
export class TrafficMeter {
  private readonly byConnection = new WeakMap<object, ConnectionTraffic>();
  private readonly total = { sent: 0, recv: 0 };
  private readonly minPing = new Map<string, number>();
  private readonly lastPing = new Map<string, number>();
  private readonly lastDelivery = new Map<string, { block: number; tx: number }>();

  constructor(private readonly clock: () => number) {}

  /** Notes a round trip to a peer (ms) and returns it; `pingOf` then reports it and the lowest seen (Core's minping). */
  recordPing(peer: string, ms: number): number {
    this.lastPing.set(peer, ms);
    this.minPing.set(peer, Math.min(ms, this.minPing.get(peer) ?? Infinity));
    return ms;
  }

  pingOf(peer: string): { last?: number; min?: number } {
    return { last: this.lastPing.get(peer), min: this.minPing.get(peer) };
  }

  /** Notes, at the node clock's time, that a peer gossiped a block or transaction we accepted (new and valid). */
  delivered(peer: string, kind: 'block' | 'tx'): void {
    const last = this.lastDelivery.get(peer) ?? { block: 0, tx: 0 };
    last[kind] = this.clock();
    this.lastDelivery.set(peer, last);
  }

  /** When a peer last gave us a new valid block and transaction by gossip (0: never), as Core's last_block and last_transaction. */
  deliveriesOf(peer: string): { block: number; tx: number } {
    return this.lastDelivery.get(peer) ?? { block: 0, tx: 0 };
  }

  /** Drops what is kept per peer id when the peer goes. */
  forgetPeer(peer: string): void {
    this.lastDelivery.delete(peer);
    this.minPing.delete(peer);
    this.lastPing.delete(peer);
  }

  /** Everything counted since start, closed connections included. */
  totals(): { bytesSent: number; bytesRecv: number } {
    return { bytesSent: this.total.sent, bytesRecv: this.total.recv };
  }

  /** The traffic of a connection, by its timeline (`connection.timeline`). */
  of(timeline: object): ConnectionTraffic | undefined {
    return this.byConnection.get(timeline);
  }

  /** Starts counting a connection: wraps its byte entry and exit points without changing what they do. */
  track(conn: MultiaddrConnection): void {
    const traffic: ConnectionTraffic = { bytesSent: 0, bytesRecv: 0, lastSend: 0, lastRecv: 0 };
    this.byConnection.set(conn.timeline, traffic);
    const stream = conn as unknown as CountableConnection;
    const onData = stream.onData?.bind(conn);
    const sendData = stream.sendData?.bind(conn);
    if (onData) {
      stream.onData = (data) => {
        traffic.bytesRecv += data.byteLength;
        this.total.recv += data.byteLength;
        traffic.lastRecv = this.clock();
        onData(data);
      };
    }
    if (sendData) {
      stream.sendData = (data) => {
        const result = sendData(data);
        traffic.bytesSent += result.sentBytes;
        this.total.sent += result.sentBytes;
        if (result.sentBytes > 0) traffic.lastSend = this.clock();
        return result;
      };
    }
  }

  /** The libp2p `metrics` component: tracks connections, and accepts (and drops) every metric libp2p's parts register. */
  component(): (components: never) => Metrics {
    const metrics = {
      trackMultiaddrConnection: (conn: MultiaddrConnection) => this.track(conn),
      trackProtocolStream: noop,
      registerMetric: () => silentMetric,
      registerMetricGroup: () => silentMetric,
      registerCounter: () => silentMetric,
      registerCounterGroup: () => silentMetric,
      registerHistogram: () => silentMetric,
      registerHistogramGroup: () => silentMetric,
      registerSummary: () => silentMetric,
      registerSummaryGroup: () => silentMetric,
      traceFunction: <F>(_name: string, fn: F) => fn,
      createTrace: noop,
    };
    return () => metrics as unknown as Metrics;
  }
}
