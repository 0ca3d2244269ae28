/** The lab's experiments by name: what `tally lab` lists and what worker threads look up. */
import type { Experiment } from '../experiment.js';
import { LabError } from '../errors.js';
import { doublespend } from './doublespend.js';
import { selfish } from './selfish.js';
import { stale } from './stale.js';

export { doublespend, type DoublespendChunk, type DoublespendParams, type DoublespendResult } from './doublespend.js';
export { selfish, type SelfishChunk, type SelfishParams, type SelfishResult } from './selfish.js';
export { stale, type StaleChunk, type StaleParams, type StaleResult } from './stale.js';

/** Every experiment, by name. */
export const EXPERIMENTS: Readonly<Record<string, Experiment>> = {
  doublespend: doublespend as unknown as Experiment,
  selfish: selfish as unknown as Experiment,
  stale: stale as unknown as Experiment,
};

/**
 * The experiment called `name`.
 * @throws LabError lab-unknown-experiment, listing the names there are
 */
export function getExperiment(name: string): Experiment {
  const found = Object.hasOwn(EXPERIMENTS, name) ? EXPERIMENTS[name] : undefined;
  if (!found) throw new LabError('lab-unknown-experiment', `no experiment "${name}" (there are: ${Object.keys(EXPERIMENTS).join(', ')})`);
  return found;
}
