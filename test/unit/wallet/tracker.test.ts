/**
 * The wallet's transaction tracking without a node (Core's CWallet rules):
 * spends of our outputs, trusted change in the mempool, a confirmed double
 * spend conflicting a payment and its child (negative depth), a disconnect
 * undoing that, abandon freeing inputs, and listtransactions amounts.
 */
import { describe, expect, it } from 'vitest';
import { Block, BlockHeader } from '../../../src/primitives/block.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { hashToHex } from '../../../src/primitives/bytes.js';
import { KeyRing } from '../../../src/wallet/keyring.js';
import { Ledger } from '../../../src/wallet/ledger.js';
import { Changes, Tracker } from '../../../src/wallet/tracker.js';
import { accountDescriptors, deriveKey, masterKeyFromMnemonic } from '../../../src/wallet/keys.js';
import { getBalances } from '../../../src/wallet/balances.js';
import { listTransactions } from '../../../src/wallet/history.js';
import type { WalletBlockEntry } from '../../../src/wallet/interface.js';
import type { WalletView } from '../../../src/wallet/view.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const { external, internal } = accountDescriptors(masterKeyFromMnemonic(MNEMONIC));
const THEIRS = deriveKey(accountDescriptors(masterKeyFromMnemonic(MNEMONIC), 1, 5).external, 0).script;

function tx(inputs: { txid: Uint8Array; vout: number }[], outputs: TxOutput[]): Transaction {
  return new Transaction({ version: 2, inputs: inputs.map((prevout) => ({ prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] })), outputs, locktime: 0 });
}

function block(height: number, txs: Transaction[], salt = 0): { block: Block; entry: WalletBlockEntry } {
  const header = new BlockHeader({ version: 1, prevHashBytes: new Uint8Array(32), merkleRootBytes: new Uint8Array(32).fill(height + salt), time: 1_000 + height, bits: 0x207fffff, nonce: salt });
  return { block: new Block(header, txs), entry: { hash: header.hashBytes, hashHex: hashToHex(header.hashBytes), height, header, prev: null } };
}

function setup() {
  const keys = new KeyRing('tlr', 5);
  for (const [d, isInternal] of [[external, false], [internal, true]] as const) keys.add(KeyRing.recordFor(d, { internal: isInternal, active: true, timestamp: 0, hasPrivateKey: true }));
  const ledger = new Ledger();
  const tracker = new Tracker(ledger, keys, () => 5_000);
  let tipHeight = 0;
  const view = (): WalletView => ({ ledger, keys, tipHeight, coinbaseMaturity: 100, locked: new Set() });
  return { keys, ledger, tracker, view, setTip: (h: number) => (tipHeight = h) };
}

describe('Tracker', () => {
  it('follows a payment, its child, a conflicting block, its disconnection and abandonment', () => {
    const { ledger, tracker, view, setTip } = setup();
    const ours = deriveKey(external, 0).script;
    const change = deriveKey(internal, 0).script;
    const fund = tx([{ txid: new Uint8Array(32).fill(9), vout: 0 }], [{ value: 50_000n, scriptPubKey: ours }]);
    const b1 = block(1, [fund]);
    tracker.connectBlock(b1.block, b1.entry, new Changes());
    setTip(1);
    expect(getBalances(view())).toEqual({ trusted: 50_000n, untrustedPending: 0n, immature: 0n });

    // A payment with change, and a child spending that change, both in the mempool.
    const pay = tx([{ txid: fund.txidBytes, vout: 0 }], [{ value: 20_000n, scriptPubKey: THEIRS }, { value: 29_000n, scriptPubKey: change }]);
    const child = tx([{ txid: pay.txidBytes, vout: 1 }], [{ value: 28_000n, scriptPubKey: deriveKey(internal, 1).script }]);
    const changes = new Changes();
    tracker.addMempool(pay, changes);
    tracker.addMempool(child, changes);
    expect([...changes.txs]).toEqual([pay.txid, child.txid]);
    expect(changes.descriptors.size).toBe(1);
    expect(getBalances(view())).toEqual({ trusted: 28_000n, untrustedPending: 0n, immature: 0n });
    // The child moves change to change: Core lists nothing for it.
    expect(listTransactions(view(), 10).map((e) => [e.txid, e.category, e.amount, e.fee])).toEqual([
      [fund.txid, 'receive', 50_000n, undefined],
      [pay.txid, 'send', -20_000n, -1_000n],
    ]);

    // A block confirms a rival spend of the same coin: the payment and its child conflict.
    const rival = tx([{ txid: fund.txidBytes, vout: 0 }], [{ value: 49_000n, scriptPubKey: THEIRS }]);
    const b2 = block(2, [rival]);
    tracker.connectBlock(b2.block, b2.entry, new Changes());
    setTip(3);
    expect(ledger.depth(ledger.get(pay.txid)!, 3)).toBe(-2);
    expect(ledger.depth(ledger.get(child.txid)!, 3)).toBe(-2);
    expect(ledger.depth(ledger.get(rival.txid)!, 3)).toBe(2);
    expect(getBalances(view())).toEqual({ trusted: 0n, untrustedPending: 0n, immature: 0n });

    // The block leaves the chain: everything is unconfirmed and inactive (depth 0) again.
    tracker.disconnectBlock(b2.block, b2.entry, new Changes());
    setTip(1);
    for (const t of [pay, child, rival]) expect(ledger.get(t.txid)!.record.state.kind).toBe('inactive');
    expect(() => tracker.abandon(fund.txid, 1, new Changes())).toThrow(/not eligible/);

    // Abandoning the rival and the payment (with its child) frees the coin.
    tracker.abandon(rival.txid, 1, new Changes());
    expect(getBalances(view()).trusted).toBe(0n);
    const abandoned = new Changes();
    tracker.abandon(pay.txid, 1, abandoned);
    expect([...abandoned.txs].sort()).toEqual([pay.txid, child.txid].sort());
    expect(getBalances(view())).toEqual({ trusted: 50_000n, untrustedPending: 0n, immature: 0n });

    // Seen again in the mempool, the payment is no longer abandoned and spends the coin again.
    tracker.addMempool(pay, new Changes());
    expect(ledger.get(pay.txid)!.record.abandoned).toBe(false);
    expect(getBalances(view()).trusted).toBe(29_000n);
  });

  it('ignores transactions that neither pay nor spend us, and removal for a block', () => {
    const { ledger, tracker } = setup();
    const stranger = tx([{ txid: new Uint8Array(32).fill(1), vout: 0 }], [{ value: 1_000n, scriptPubKey: THEIRS }]);
    const changes = new Changes();
    tracker.addMempool(stranger, changes);
    expect(changes.empty).toBe(true);
    expect(ledger.all()).toEqual([]);
    const mine = tx([{ txid: new Uint8Array(32).fill(2), vout: 0 }], [{ value: 1_000n, scriptPubKey: deriveKey(external, 4).script }]);
    tracker.addMempool(mine, changes);
    tracker.removeMempool(mine.txid, 'block', changes);
    expect(ledger.get(mine.txid)!.record.state.kind).toBe('mempool');
    tracker.removeMempool(mine.txid, 'expiry', changes);
    expect(ledger.get(mine.txid)!.record.state.kind).toBe('inactive');
  });
});
