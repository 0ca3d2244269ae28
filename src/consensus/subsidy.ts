/** Block subsidy: new coins a coinbase may create, halving on a fixed schedule. */
import type { NetworkParams } from './params.js';

/** Subsidy at `height` in satoshis (Bitcoin's GetBlockSubsidy): halves every `halvingInterval` blocks, zero after 64 halvings. */
export function getBlockSubsidy(height: number, params: Pick<NetworkParams, 'initialSubsidy' | 'halvingInterval'>): bigint {
  const halvings = Math.floor(height / params.halvingInterval);
  if (halvings >= 64) return 0n;
  return params.initialSubsidy >> BigInt(halvings);
}
