/**
 * Refilling an empty DHT routing table from the node's own connections.
 *
 * Every DHT lookup starts from the routing table, and the table fills from
 * identify: a connected peer whose identify lists the network's DHT protocol is
 * added by kad-dht's topology. Under load either step can fail without a trace:
 * identify, run once when a connection opens, times out (libp2p drops the error
 * and never runs it again on that connection), or kad-dht's queued table update
 * times out. A node whose only connection was to its bootstrap then kept one
 * peer and an empty table for good: nothing to search from, and no one who knew
 * it to dial it. It happened to one node of a 100-node scale run, whose single
 * bootstrap node was serving the 99 others at once.
 *
 * So while the table is empty, the discovery's maintenance adds the connected
 * peers known to speak the DHT protocol, and identifies again (at most a few
 * each time) those it never identified.
 */
import type { Connection, PeerId } from '@libp2p/interface';
import type { LogWriter } from '../../util/logger.js';
import type { TallyLibp2p } from '../libp2p.js';

/** What refilling needs of the routing table (kad-dht's class has both; see dht.ts). */
export interface TableAccess {
  size: number;
  add(peer: PeerId): Promise<void>;
}

/** Connections identified again in one pass, at most. */
export const MAX_REIDENTIFY = 4;
/** Longest one identify may take here, ms (libp2p's own default is 5 s, which a loaded node can miss). */
export const REIDENTIFY_TIMEOUT_MS = 15_000;

/** What to do with one open connection of a node whose table is empty, from what its peer store holds of the peer. */
export type TableStep = 'add' | 'identify' | 'skip';

/**
 * `add` when the peer speaks the DHT protocol, `identify` when it was never identified, `skip`
 * when it was, without the DHT protocol (a `--no-dht` node, another network). A protocol list
 * alone cannot tell a lost identify: libp2p also records each protocol a stream was opened
 * with (the status handshake's, for one); identify is what stores the agent version.
 */
export function stepFor(protocols: readonly string[], identified: boolean, dhtProtocol: string): TableStep {
  if (protocols.includes(dhtProtocol)) return 'add';
  return identified ? 'skip' : 'identify';
}

/** Counts of one pass, for the log line. */
export interface RefillResult {
  added: number;
  identified: number;
}

/**
 * Does nothing while the table holds a peer. Otherwise adds or identifies the peers of the
 * open connections (see the module comment); an identify that succeeds fills the table
 * through kad-dht's own topology. Never throws.
 */
export async function refillEmptyTable(host: TallyLibp2p, table: TableAccess, dhtProtocol: string, logger: LogWriter): Promise<RefillResult> {
  const result: RefillResult = { added: 0, identified: 0 };
  if (table.size > 0) return result;
  const identify: Connection[] = [];
  for (const connection of host.getConnections()) {
    if (connection.status !== 'open') continue;
    const peer = connection.remotePeer;
    const known = await host.peerStore.get(peer).catch(() => undefined);
    const step = stepFor(known?.protocols ?? [], known?.metadata.has('AgentVersion') === true, dhtProtocol);
    if (step === 'add') {
      if (await table.add(peer).then(() => true, () => false)) result.added++;
    } else if (step === 'identify' && identify.length < MAX_REIDENTIFY) {
      identify.push(connection);
    }
  }
  const identified = await Promise.all(identify.map((c) => host.services.identify.identify(c, { signal: AbortSignal.timeout(REIDENTIFY_TIMEOUT_MS) }).then(() => true, () => false)));
  result.identified = identified.filter(Boolean).length;
  if (result.added > 0 || identify.length > 0) {
    logger.info({ connections: host.getConnections().length, added: result.added, identifyTried: identify.length, identified: result.identified, routingTable: table.size }, 'discovery: routing table was empty; refilled it from open connections');
  }
  return result;
}
