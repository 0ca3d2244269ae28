/** The wall clock, read in one place: services take a clock in their modules and default to this one. */

/** Seconds since the epoch, whole: block and mempool times are in seconds. */
export const systemClock = (): number => Math.floor(Date.now() / 1000);
