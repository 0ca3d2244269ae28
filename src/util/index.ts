/** Helpers every layer may use: the logger interface, the wall clock and worker threads on sibling modules. */
export { silentLogger, type LogBindings, type LogFn, type Logger, type LogWriter } from './logger.js';
export { systemClock } from './clock.js';
export { createSiblingWorker, isTypeScriptModule } from './worker-url.js';
