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
  minProvideGapMs: 60_000,
  maxProvideGapMs: 30 * 60_000,
};

/**
 * Connections libp2p itself allows beyond `maxConnections` while discovery is on: room for
 * a newcomer to connect so that the keeper, not libp2p's pruner, chooses whom to let go.
 */
export const EVICTION_HEADROOM = 8;
