/**
 * The clock-sensitive tests, run again by .ci/run under libfaketime with the
 * machine's clock 400 days ahead (`faketime -f +400d npm run test:clock`).
 * A file belongs here when it, or the code it drives, compares a clock with
 * chain times or stored times and the test depends on the answer: block
 * timestamps judged against "now" (time-too-new, median time past, the
 * testnet's difficulty at a launch date), bans, cool-downs, back-offs and
 * expiry, mempool entry times, mining templates (curtime), RPC methods that
 * report times, faucet and sign-in windows, wallet key times and unlocks, and
 * whole nodes that run on the wall clock. A test that passes today and fails
 * here mixes a fixed time with the wall clock; take both from one injected
 * clock instead.
 *
 * Not here: pure code that never takes a time (codecs, hashes, scripts,
 * signatures, PoW, subsidy, penalty tables, storage, options); chain, reorg and
 * sync tests whose fixed clock only ever admits their fixed-time blocks; and
 * monotonic millisecond clocks that only time durations (sync timeouts, rate
 * buckets, serve budgets), which a shifted wall clock cannot move. Files are
 * named one by one, so a new test joins only by a decision.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    include: [
      // Block times against the validating clock: time-too-new/-old, median time past,
      // the testnet's ASERT difficulty from its launch date.
      'test/unit/consensus/{block-checks,invalid-blocks,difficulty,difficulty-launch}.test.ts',
      'test/unit/chain/accept-headers.test.ts',
      'test/integration/chain/{headers,invalid-table,difficulty-anchor}.test.ts',
      'test/unit/lab/node.test.ts',
      // Mempool entry times and expiry, kept across a restart.
      'test/unit/mempool/{eviction,persist,orphans,queries}.test.ts',
      // Templates take the clock for their time (curtime, never below median time past + 1).
      'test/unit/mining/{miner,template}.test.ts',
      // Bans and cool-downs on the node clock; dial back-off and peers.json times.
      'test/unit/network/peers/peer-store.test.ts',
      'test/unit/network/discovery/peers-file.test.ts',
      // Windows that expire: faucet payouts per address and IP, explorer sign-in links and sessions.
      'test/unit/faucet/{faucet,limits}.test.ts',
      'test/integration/rpc/sign-in.test.ts',
      // Wallets on the node clock: key birth times that bound a rescan, unlocks that expire.
      'test/integration/wallet/{manager,encryption}.test.ts',
      // Whole nodes mining on the wall clock, and RPC methods that report times
      // (getblockchaininfo, getmininginfo, getmempoolinfo, getpeerinfo, uptime, listbanned).
      'test/integration/node/node.test.ts',
      'test/integration/rpc/{blockchain,mining,mempool,network,notifications,rawtransactions,addresses,core-shape}.test.ts',
      // Real nodes over TCP: time-too-new gossip and sync (score 0), bans, relay and sync.
      'test/e2e/p2p/{invalid-blocks-gossip,invalid-blocks-sync,honest-ahead,gossip-relay,hostile-sync,sync,compact-relay}.test.ts',
      // Node processes started by the CLI and the devnet script.
      'test/e2e/{cli-node,wallet,devnet}.test.ts',
    ],
  },
});
