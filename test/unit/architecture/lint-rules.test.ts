/**
 * The layer rules in eslint.config.js fire: each snippet is linted as if it
 * lived at the given path, so a rule that silently stopped matching (a renamed
 * folder, a pattern typo) fails here rather than letting a wrong import in.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The messages of no-restricted-imports for `code` placed at `filePath`. */
async function importErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: dependency directions', () => {
  it('util imports nothing from the project', async () => {
    expect(await importErrors("export { sha256 } from '../primitives/hash.js';\n", 'src/util/x.ts')).toHaveLength(1);
    expect(await importErrors("export { silentLogger } from './logger.js';\n", 'src/util/x.ts')).toEqual([]);
  });

  it('a lower layer does not import a higher one', async () => {
    expect(await importErrors("export type { Chain } from '../chain/index.js';\n", 'src/consensus/x.ts')).toHaveLength(1);
    expect(await importErrors("export type { Mempool } from '../mempool/index.js';\n", 'src/mining/x.ts')).toHaveLength(1);
    expect(await importErrors("export type { TallyNode } from '../node/node.js';\n", 'src/chain/x.ts')).toHaveLength(1);
    expect(await importErrors("export type { Network } from '../network/network.js';\n", 'src/node/node-x.ts')).toHaveLength(1);
  });

  it('rpc, metrics and explorer do not import each other; the CLI may', async () => {
    expect(await importErrors("export type { MetricsServer } from '../metrics/server.js';\n", 'src/rpc/x.ts')).toHaveLength(1);
    expect(await importErrors("export type { RpcServer } from '../rpc/server.js';\n", 'src/explorer/x.ts')).toHaveLength(1);
    expect(await importErrors("export type { RpcServer } from '../rpc/server.js';\n", 'src/cli/x.ts')).toEqual([]);
  });

  it('sync sees only the network interface and its verdict function', async () => {
    expect(await importErrors("export type { SyncNetwork } from '../network/interface.js';\n", 'src/sync/x.ts')).toEqual([]);
    expect(await importErrors("export { BAN_THRESHOLD } from '../network/penalty.js';\n", 'src/sync/x.ts')).toEqual([]);
    expect(await importErrors("export { Network } from '../network/network.js';\n", 'src/sync/x.ts')).toHaveLength(1);
  });

  it('the composition root may import the adapters', async () => {
    expect(await importErrors("export { RpcServer } from '../rpc/server.js';\n", 'src/node/wire.ts')).toEqual([]);
    expect(await importErrors("export { RpcServer } from '../../rpc/server.js';\n", 'src/node/options/x.ts')).toEqual([]);
  });
});

describe('lint: only the storage owners import LevelDB', () => {
  const code = "import { Level } from 'level';\nexport const open = (p: string) => new Level(p);\n";
  it.each(['src/rpc/x.ts', 'src/node/x.ts', 'src/mempool/x.ts', 'src/consensus/x.ts', 'src/node/wire.ts', 'src/x.ts'])('%s may not', async (path) => {
    expect(await importErrors(code, path)).toHaveLength(1);
    expect(await importErrors("export type { ClassicLevel } from 'classic-level';\n", path)).toHaveLength(1);
  });
  it.each(['src/chain/x.ts', 'src/chain/indexers/x.ts', 'src/wallet/x.ts'])('%s may', async (path) => {
    expect(await importErrors(code, path)).toEqual([]);
  });
});

describe('lint: adapters do not import src/chain internals', () => {
  it.each(['src/network/x.ts', 'src/sync/x.ts', 'src/rpc/methods/x.ts', 'src/metrics/x.ts', 'src/explorer/x.ts', 'src/cli/x.ts'])('%s', async (path) => {
    const up = '../'.repeat(path.split('/').length - 2);
    expect(await importErrors(`export type { ChainEntry } from '${up}chain/entry.js';\n`, path)).toHaveLength(1);
    expect(await importErrors(`export type { TxLocation } from '${up}chain/indexers/index.js';\n`, path)).toHaveLength(1);
    expect(await importErrors(`export type { ChainEntry } from '${up}chain/index.js';\n`, path)).toEqual([]);
  });

  it('the core may', async () => {
    expect(await importErrors("export type { ChainEntry } from '../chain/entry.js';\n", 'src/node/x.ts')).toEqual([]);
    expect(await importErrors("export type { ChainEntry } from '../chain/entry.js';\n", 'src/mempool/x.ts')).toEqual([]);
  });
});

describe('lint: services and adapters receive the node through its interfaces', () => {
  it.each(['src/network/x.ts', 'src/sync/x.ts', 'src/rpc/methods/x.ts', 'src/metrics/x.ts', 'src/explorer/x.ts'])('%s may not import TallyNode', async (path) => {
    const up = '../'.repeat(path.split('/').length - 2);
    expect(await importErrors(`export type { TallyNode } from '${up}node/node.js';\n`, path)).toHaveLength(1);
    expect(await importErrors(`export type { TallyNode } from '${up}node/index.js';\n`, path)).toHaveLength(1);
    expect(await importErrors(`export { startNode } from '${up}node/wire.js';\n`, path)).toHaveLength(1);
    expect(await importErrors(`export { rpcOptionsFromConfig } from '${up}node/options/rpc.js';\n`, path)).toHaveLength(1);
    expect(await importErrors(`export type { ChainReader } from '${up}node/interface.js';\n`, path)).toEqual([]);
  });

  it('the CLI and the composition root may', async () => {
    expect(await importErrors("export type { TallyNode } from '../node/node.js';\n", 'src/cli/x.ts')).toEqual([]);
    expect(await importErrors("export { TallyNode } from './node.js';\n", 'src/node/wire.ts')).toEqual([]);
  });
});
