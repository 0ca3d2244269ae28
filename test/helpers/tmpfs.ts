/**
 * A small real file system for disk-full tests: a tmpfs of a few megabytes
 * that a node's datadir can fill up. As root it is mounted directly on a
 * fresh folder under os.tmpdir(); otherwise, where unprivileged user
 * namespaces work, inside a namespace made by `unshare --user --map-root-user
 * --mount` and kept alive by a holder process: nodes then run inside it
 * (`prefix`), and this process reaches the files through `/proc/<pid>/root`.
 * Every mount is undone by `cleanup()` (call it in afterAll).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mount point as the node sees it. */
  readonly path: string;
  /** The mount point as this test process sees it. */
  readonly hostPath: string;
  /** argv prefix that runs a command where the mount is visible (NodeProcess `prefix`). */
  readonly prefix: readonly string[];
  /** How it was made: 'mount' (root) or 'unshare' (user namespace). */
  readonly how: 'mount' | 'unshare';
  /** Changes the size (`mount -o remount,size=...`): more room without touching the files. */
  resize(bytes: number): void;
  /** Bytes still free. */
  free(): number;
  /** Writes a filler file that leaves about `leave` bytes free; returns its path (delete it to free the space). */
  fill(leave: number): string;
  cleanup(): void;
}

function run(argv: readonly string[]): { ok: boolean; error: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return { ok: r.status === 0, error: `${argv.join(' ')}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}` };
}

/**
 * Mounts a tmpfs of `bytes`; resolves to the disk, or to the reason none can be
 * made here (not root and no user namespaces, no tmpfs).
 */
export async function makeSmallDisk(label: string, bytes: number): Promise<SmallDisk | { reason: string }> {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const options = (size: number) => `size=${size},mode=0755`;
  const forceUnshare = process.env.TALLY_TEST_UNSHARE === '1';
  if (process.getuid?.() === 0 && !forceUnshare) {
    const mounted = run(['mount', '-t', 'tmpfs', '-o', options(bytes), 'tmpfs', dir]);
    if (mounted.ok) {
      return disk(dir, dir, [], 'mount', (argv) => run(argv), () => {
        if (!run(['umount', dir]).ok) run(['umount', '-l', dir]);
        rmSync(dir, { recursive: true, force: true });
      });
    }
  }
  // A holder process owns the namespace; `nsenter` runs commands (and nodes) inside it.
  const holder: ChildProcess = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o ${options(bytes)} tmpfs '${dir}' && echo ready && exec sleep 3600`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = await new Promise<string | undefined>((resolve) => {
    let err = '';
    holder.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    holder.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(undefined); });
    holder.on('error', (e) => resolve(e.message));
    holder.on('exit', () => resolve(err.trim() || 'unshare exited'));
    setTimeout(() => resolve('unshare did not answer in 10 s'), 10_000).unref();
  });
  if (ready !== undefined) {
    holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs: not root, and a user namespace does not work here (${ready})` };
  }
  const prefix = ['nsenter', `--target=${holder.pid}`, '--user', '--mount', '--preserve-credentials'];
  return disk(dir, `/proc/${holder.pid}/root${dir}`, prefix, 'unshare', (argv) => run([...prefix, ...argv]), () => {
    holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
}

function disk(path: string, hostPath: string, prefix: string[], how: SmallDisk['how'], exec: (argv: string[]) => { ok: boolean; error: string }, undo: () => void): SmallDisk {
  let done = false;
  return {
    path,
    hostPath,
    prefix,
    how,
    resize(bytes) {
      const r = exec(['mount', '-o', `remount,size=${bytes}`, path]);
      if (!r.ok) throw new Error(r.error);
    },
    free() {
      const s = statfsSync(hostPath);
      return s.bavail * s.bsize;
    },
    fill(leave) {
      const file = join(hostPath, 'filler');
      writeFileSync(file, Buffer.alloc(Math.max(0, this.free() - leave)));
      return file;
    },
    cleanup() {
      if (done) return;
      done = true;
      undo();
    },
  };
}
