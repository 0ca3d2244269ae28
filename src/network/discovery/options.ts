/** Timings and bounds of peer discovery (not operator options: these suit every network size we run). */
export interface DiscoveryTimings {
  /** Entries kept in the address book and in peers.json. */
  maxAddresses: number;
  /** How often the address book is written to peers.json when it changed, in ms (and always at stop). */
  saveIntervalMs: number;
  /** How often the maintenance loop checks whether to advertise, save or report, in ms. */
  maintenanceMs: number;
  busyTickMs: number;
  idleTickMs: number;
  dialTimeoutMs: number;
  queryTimeoutMs: number;
  minRoundGapMs: number;
  maxRoundGapMs: number;
  minProvideGapMs: number;
  maxProvideGapMs: number;
  /** kad-dht's self-query interval, in ms. */
  querySelfMs: number;
  /** kad-dht's routing-table refresh interval, in ms (discovery/dht.ts). */
  tableRefreshMs: number;
}

export const DISCOVERY_TIMINGS: DiscoveryTimings = {
  maxAddresses: 1000,
  saveIntervalMs: 120_000,
  maintenanceMs: 10_000,
  busyTickMs: 1_000,
  idleTickMs: 30_000,
  dialTimeoutMs: 10_000,
  queryTimeoutMs: 15_000,
  // A round that finds nothing new doubles the wait, up to 5 minutes (the DHT's own table refresh runs as often).
  minRoundGapMs: 2_000,
  maxRoundGapMs: 300_000,
  // Early advertisements reach the few nodes known then; later ones the nodes closest to the key.
  // Each one dials the key's closest nodes (the same ones for every node of the network), and a
  // node's peers are found by random walks anyway (every peer of a Tally DHT is a Tally node), so
  // they are rare: every 60 s it was a third of what 20 idle nodes did. kad-dht's reprovider
  // renews the record before it expires (48 h).
  minProvideGapMs: 10 * 60_000,
  maxProvideGapMs: 60 * 60_000,
  // The self-query keeps the closest neighbours known; every 10 minutes is plenty for a node doing nothing.
  querySelfMs: 10 * 60_000,
  // kad-dht refreshes every 5 minutes: a lookup per bucket, whose replies' unknown peers it dials
  // to ping. The keeper searches by itself whenever it is short of peers, so the table only needs
  // an occasional refresh.
  tableRefreshMs: 30 * 60_000,
};

/**
 * Connections libp2p itself allows beyond `maxConnections` while discovery is on: room for
 * a newcomer to connect so that the keeper, not libp2p's pruner, chooses whom to let go.
 */
export const EVICTION_HEADROOM = 8;
