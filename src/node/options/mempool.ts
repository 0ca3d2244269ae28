/** Mempool options: relay fee floor and size cap. */
import { lastValue, parseNumber, type OptionDecl, type OptionValues } from './declare.js';

export const MEMPOOL_OPTIONS: readonly OptionDecl[] = [
  { name: 'min-relay-fee', flag: '--min-relay-fee <sat/vB>', description: 'minimum fee rate to relay and accept transactions (default 1)', kind: 'number' },
  { name: 'max-mempool', flag: '--max-mempool <MB>', description: 'mempool size cap in megabytes (default 300)', kind: 'number' },
];

/** The mempool settings given; the mempool fills in the rest. @throws ConfigError bad-option for a bad number */
export function mempoolOptionsFrom(values: OptionValues): { minRelayFeeRate?: number; maxMempoolMB?: number } {
  const fee = lastValue(values, 'min-relay-fee');
  const size = lastValue(values, 'max-mempool');
  return {
    ...(fee !== undefined ? { minRelayFeeRate: parseNumber('min-relay-fee', fee, 0) } : {}),
    ...(size !== undefined ? { maxMempoolMB: parseNumber('max-mempool', size, 5) } : {}),
  };
}
