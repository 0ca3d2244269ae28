/**
 * The clock-sensitive tests, run again by .ci/run under libfaketime with the
 * machine's clock 400 days ahead (`faketime -f +400d npm run test:clock`).
 * Each listed file reads a clock next to chain times: block timestamps judged
 * against "now" (time-too-new, median time past, the testnet's difficulty),
 * bans and cool-downs, mempool entry times and expiry, fee estimates, the
 * initial-block-download flag, mining templates, and whole nodes that mine on
 * the wall clock. A test that passes today and fails here mixes a fixed time
 * with the wall clock; take both from one injected clock instead.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/unit/consensus/**/*.test.ts',
      'test/unit/chain/**/*.test.ts',
      'test/unit/mempool/**/*.test.ts',
      'test/unit/mining/**/*.test.ts',
      'test/unit/network/**/*.test.ts',
      'test/unit/sync/**/*.test.ts',
      'test/unit/node/**/*.test.ts',
      'test/integration/chain/**/*.test.ts',
      'test/integration/node/**/*.test.ts',
      'test/integration/rpc/{blockchain,mining,mempool,network,notifications,rawtransactions,addresses}.test.ts',
      'test/e2e/p2p/{invalid-blocks-gossip,invalid-blocks-sync,honest-ahead,gossip-relay,hostile-sync,sync}.test.ts',
      'test/e2e/p2p/compact-relay.test.ts',
      'test/unit/faucet/**/*.test.ts',
      'test/e2e/{cli-node,wallet,devnet}.test.ts',
    ],
  },
});
