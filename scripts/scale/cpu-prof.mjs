/**
 * Preloaded into every node of `npm run scale -- --cpu-prof <dir>` (NODE_OPTIONS=--import, since
 * Node refuses --cpu-prof there): the first SIGUSR2 starts V8's sampling profiler (a sample every
 * 10 ms, cheap enough for many nodes at once), the next one writes `<dir>/<pid>.cpuprofile`, which
 * Chrome DevTools opens. A profile then covers exactly the window the run chose (the idle time),
 * not the start. Plain JavaScript: the nodes run dist/ without tsx.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TALLY_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 10_000 }, () => session.post('Profiler.start')));
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
