/**
 * Whom to dial and whom to let go: pure choices over plain descriptions of
 * peers, so that they can be tested alone (as Lodestar's peer balancer). They
 * follow Bitcoin Core: never two outbound peers in one network group
 * (netgroup.ts), addresses spread over the peers that told us of them, and
 * inbound eviction that protects the fastest and the longest-connected peers
 * before taking the youngest of the most crowded group
 * (CConnman::AttemptToEvictConnection).
 */

/** An address book entry that may be dialed. */
export interface DialCandidate {
  id: string;
  /** Network group of the address it would be dialed on (netGroup). */
  group: string;
  /** Who told us of it (a peer id, `dht`, `peers.json`, `config`, ...). */
  source: string;
}

/** A connected peer, as the choices see it. */
export interface ConnectedPeer {
  id: string;
  direction: 'inbound' | 'outbound';
  group: string;
  /** Where the address came from, for outbound peers found by discovery; absent otherwise. */
  source?: string;
  /** Milliseconds on a monotonic clock when the connection opened. */
  openedAt: number;
  /** Latest round trip in ms, once measured. */
  pingMs?: number;
  /** Configured (`--bootstrap`, `--connect`, addnode): never evicted. */
  manual: boolean;
}

export interface ConnectionLimits {
  maxConnections: number;
  maxOutbound: number;
}

/** Inbound peers protected for their low ping before eviction (Core protects 8 of 125; fewer suit smaller limits). */
export const PROTECT_BY_PING = 4;

/**
 * Up to `want` candidates to dial, in order: none in a group that an outbound
 * peer (or an earlier pick) already holds, and each pick from the source that
 * has given us the fewest outbound peers so far (ties keep the input order, so
 * the caller ranks candidates by preference first).
 */
export function chooseDials(candidates: readonly DialCandidate[], outbound: readonly Pick<ConnectedPeer, 'group' | 'source'>[], want: number): DialCandidate[] {
  const groups = new Set(outbound.map((p) => p.group));
  const perSource = new Map<string, number>();
  for (const p of outbound) if (p.source !== undefined) perSource.set(p.source, (perSource.get(p.source) ?? 0) + 1);
  const picks: DialCandidate[] = [];
  const left = candidates.filter((c) => !groups.has(c.group));
  while (picks.length < want) {
    let best: DialCandidate | undefined;
    for (const c of left) {
      if (groups.has(c.group)) continue;
      if (!best || (perSource.get(c.source) ?? 0) < (perSource.get(best.source) ?? 0)) best = c;
    }
    if (!best) break;
    picks.push(best);
    groups.add(best.group);
    perSource.set(best.source, (perSource.get(best.source) ?? 0) + 1);
  }
  return picks;
}

/** The youngest peer of the group with the most members (ties: the group with the youngest member). */
function youngestOfLargestGroup(peers: readonly ConnectedPeer[]): ConnectedPeer | undefined {
  const groups = new Map<string, ConnectedPeer[]>();
  for (const p of peers) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  let pick: ConnectedPeer | undefined;
  let pickSize = 0;
  for (const members of groups.values()) {
    const youngest = members.reduce((a, b) => (b.openedAt > a.openedAt ? b : a));
    if (members.length > pickSize || (members.length === pickSize && youngest.openedAt > pick!.openedAt)) {
      pick = youngest;
      pickSize = members.length;
    }
  }
  return pick;
}

/** Inbound peers that eviction may take: not manual, and not among the fastest or the longest connected. */
function evictableInbound(peers: readonly ConnectedPeer[]): ConnectedPeer[] {
  let left = peers.filter((p) => p.direction === 'inbound' && !p.manual);
  const fastest = new Set(left.filter((p) => p.pingMs !== undefined).sort((a, b) => a.pingMs! - b.pingMs!).slice(0, PROTECT_BY_PING).map((p) => p.id));
  left = left.filter((p) => !fastest.has(p.id));
  // Half of the rest by uptime: a peer cannot gain it quickly, so an attacker cannot crowd them out.
  const byAge = [...left].sort((a, b) => a.openedAt - b.openedAt);
  const oldest = new Set(byAge.slice(0, Math.floor(byAge.length / 2)).map((p) => p.id));
  return left.filter((p) => !oldest.has(p.id));
}

/**
 * The peers to disconnect so that the node keeps within its limits: inbound
 * peers beyond `maxConnections - maxOutbound` or beyond `maxConnections` in
 * all, and outbound peers beyond `maxOutbound`; each time the youngest of the
 * most crowded group among those that may go. When every inbound peer is
 * protected the youngest inbound goes, as Core refuses the newcomer then.
 */
export function chooseEvictions(peers: readonly ConnectedPeer[], limits: ConnectionLimits): string[] {
  const out: string[] = [];
  let left = [...peers];
  const count = (dir: ConnectedPeer['direction']) => left.filter((p) => p.direction === dir).length;
  const maxInbound = Math.max(0, limits.maxConnections - limits.maxOutbound);
  while (count('inbound') > maxInbound || (left.length > limits.maxConnections && count('inbound') > 0)) {
    const victim = youngestOfLargestGroup(evictableInbound(left)) ?? youngestOf(left.filter((p) => p.direction === 'inbound' && !p.manual));
    if (!victim) break;
    out.push(victim.id);
    left = left.filter((p) => p !== victim);
  }
  while (count('outbound') > limits.maxOutbound) {
    const victim = youngestOfLargestGroup(left.filter((p) => p.direction === 'outbound' && !p.manual));
    if (!victim) break;
    out.push(victim.id);
    left = left.filter((p) => p !== victim);
  }
  return out;
}

function youngestOf(peers: readonly ConnectedPeer[]): ConnectedPeer | undefined {
  return peers.length === 0 ? undefined : peers.reduce((a, b) => (b.openedAt > a.openedAt ? b : a));
}
