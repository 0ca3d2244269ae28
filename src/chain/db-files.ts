/**
 * What LevelDB's own files tell about a database that its API does not:
 *
 * - A folder with tables or logs but no `CURRENT` file: LevelDB would quietly
 *   create a new, empty database over the old files (and delete them), so
 *   this is refused as damage before opening.
 * - LevelDB, without its paranoid checks (which classic-level does not expose),
 *   skips damaged records of its write-ahead log while opening and only says so
 *   in its `LOG` file ("dropping N bytes; Corruption: ..."). A record cut off at
 *   the end of the log (a crash mid-write) is not reported, so any such line is
 *   real damage: chain state records may be gone.
 * - Repair (`ClassicLevel.repair`, LevelDB's RepairDB) rebuilds the manifest
 *   from the tables and logs it can read and moves what it cannot into `lost/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';

const DATA_FILE = /^(\d+\.(ldb|sst|log)|MANIFEST-\d+)$/;

/** Why the folder cannot be opened safely, or undefined. */
export function missingFiles(path: string): string | undefined {
  if (!existsSync(path) || existsSync(join(path, 'CURRENT'))) return undefined;
  const data = readdirSync(path).filter((f) => DATA_FILE.test(f));
  return data.length > 0 ? `its CURRENT file is missing but ${data.length} data files are there` : undefined;
}

/** LevelDB's account of log records it dropped while opening (from `LOG`), or undefined. */
export function droppedRecords(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(path, 'LOG'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((l) => /dropping \d+ bytes/.test(l));
  if (lines.length === 0) return undefined;
  const first = /([^/\s]+: dropping \d+ bytes; .*)$/.exec(lines[0]!)?.[1] ?? lines[0]!.trim();
  return `LevelDB dropped damaged records of its log while opening: ${first}${lines.length > 1 ? ` and ${lines.length - 1} more` : ''}`;
}

/** Table files in `lost/` (where repair moves what it could not read fully). */
function lostTables(path: string): string[] {
  const dir = join(path, 'lost');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\.(ldb|sst)$/.test(f)) : [];
}

/**
 * Runs LevelDB's repair on a closed database. Resolves to the table files it
 * could not read fully (moved to `lost/`; what it salvaged from them stays).
 */
export async function repairFiles(path: string): Promise<string[]> {
  const before = new Set(lostTables(path));
  // `level` re-exports classic-level's class, whose static repair its typings leave out.
  await (Level as unknown as { repair(location: string): Promise<void> }).repair(path);
  return lostTables(path).filter((f) => !before.has(f));
}

/** Bytes under `dir` (Core's size_on_disk), or 0 when it cannot be read. */
export async function folderSize(dir: string): Promise<number> {
  try {
    let total = 0;
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      total += item.isDirectory() ? await folderSize(path) : (await stat(path)).size;
    }
    return total;
  } catch {
    return 0;
  }
}
