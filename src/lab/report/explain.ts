/** The short explanation a report gives under each experiment's plot, for students. */

const RUN: Record<string, string> = {
  doublespend:
    'An attacker with a share q of the hash power mines a private branch from the payment; the merchant waits for z '
    + 'confirmations; the attacker releases the branch if it ever gets ahead. The simulated success rate should match '
    + 'Rosenfeld\'s exact catch-up probability. Nakamoto\'s Poisson approximation (whitepaper §11) assumes the honest '
    + 'chain took exactly its expected time, and so underestimates the risk.',
  selfish:
    'A pool with a share α of the hash power withholds its blocks (Eyal and Sirer\'s SM1) and publishes them to orphan '
    + 'honest blocks; in a tie, a share γ of the honest miners mines on the pool\'s branch. Its revenue share beats α '
    + 'above the threshold (1−γ)/(3−2γ).',
  stale:
    'Honest miners of equal power on a network with latency D and block interval T. A block goes stale when another '
    + 'miner finds a competitor while it propagates; to first order that happens with probability '
    + 'q = 1 − e^(−(1−1/N)·D/T), and the stale share is q/(1+q). Second-order effects (three-way races, relay over '
    + 'several hops) make the simulation drift above it as D/T grows.',
};

const SWEEP: Record<string, string> = {
  doublespend: 'Each point is a run at that parameter value with its 95% interval; the solid line is the exact value, '
    + 'the dashed one the whitepaper\'s approximation, which falls further below the exact value, relatively, as z grows.',
  selfish: 'Each point is a run with its 95% interval; the solid line is Eyal and Sirer\'s closed form. The dotted line '
    + 'is the fair share (revenue = α): where the curve rises above it, selfish mining pays. The dashed vertical '
    + 'lines mark the threshold (1−γ)/(3−2γ).',
  stale: 'Each point is a run with its 95% interval; the line is the first-order value. Shorter intervals, or longer '
    + 'latencies, mean more blocks found while another one is still on its way.',
};

/** The paragraph under a single run's plot. */
export function runExplanation(experiment: string): string {
  return RUN[experiment] ?? 'The simulated value with its 95% interval, beside the closed form.';
}

/** The paragraph under a sweep's plot. */
export function sweepExplanation(experiment: string): string {
  return `${runExplanation(experiment)} ${SWEEP[experiment] ?? 'Each point is a run with its 95% interval; the line is the closed form.'}`;
}
