// After tsc: marks the CLI entry executable (tsc does not keep file modes) and
// copies the explorer's page (plain HTML/CSS/JS that tsc does not emit) into dist.
import { chmodSync, cpSync, rmSync } from 'node:fs';

chmodSync(new URL('../dist/cli/index.js', import.meta.url), 0o755);

const explorerStatic = new URL('../dist/explorer/static/', import.meta.url);
rmSync(explorerStatic, { recursive: true, force: true });
cpSync(new URL('../src/explorer/static/', import.meta.url), explorerStatic, { recursive: true });
