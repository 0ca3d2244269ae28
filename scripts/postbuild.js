// Marks the CLI entry executable after tsc writes it (tsc does not keep file modes).
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/cli/index.js', import.meta.url), 0o755);
