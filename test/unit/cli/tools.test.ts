/** The offline CLI commands, run in-process through runCli with captured output. */
import { describe, expect, it } from 'vitest';
import { runCli, EXIT_OK, EXIT_USAGE } from '../../../src/cli/program.js';
import { getGenesisBlock, regtest, testnet } from '../../../src/consensus/params.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'tally', ...args], { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

describe('tally CLI tools', () => {
  it('info prints the network parameters', async () => {
    const r = await run('info', '--network', 'testnet');
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out)).toMatchObject({ network: 'testnet', addressPrefix: 'tlt', genesis: testnet.genesisHash });
  });

  it('keygen makes an address that validateaddress accepts', async () => {
    const key = JSON.parse((await run('keygen')).out) as { address: string };
    expect(key.address.startsWith('tlr1p')).toBe(true);
    const r = await run('validateaddress', key.address);
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out).isvalid).toBe(true);
  });

  it('rejects an address of another network with a message and exit 2', async () => {
    const key = JSON.parse((await run('keygen', '-n', 'testnet')).out) as { address: string };
    const r = await run('validateaddress', key.address, '-n', 'regtest');
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toContain('wrong-hrp');
    expect(r.err).not.toContain('    at ');
  });

  it('rejects an unknown network and an unknown command', async () => {
    expect((await run('info', '-n', 'mainnet')).code).toBe(EXIT_USAGE);
    expect((await run('frobnicate')).code).toBe(EXIT_USAGE);
  });

  it('decodes the genesis block and its coinbase', async () => {
    const genesis = getGenesisBlock(regtest);
    const block = await run('decodeblock', genesis.toHex());
    expect(JSON.parse(block.out)).toMatchObject({ hash: regtest.genesisHash, nTx: 1 });
    const tx = await run('decoderawtransaction', genesis.transactions[0]!.toHex());
    expect(JSON.parse(tx.out).txid).toBe(genesis.transactions[0]!.txid);
    const bad = await run('decoderawtransaction', 'zz');
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toContain('bad-hex');
  });
});
