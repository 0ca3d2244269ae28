/** The address book and peers.json: bounds, back-off, round trip, and files that are not ours ignored, never thrown. */
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddressBook, MAX_FAILURES, usableAddrs, type BookEntry } from '../../../../src/network/discovery/address-book.js';
import { loadPeers, peersFilePath, savePeers } from '../../../../src/network/discovery/peers-file.js';
import { tempDir } from '../../../helpers/tmp.js';

const root = tempDir('tally-peers-file');
let n = 0;
const dir = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

/** A logger that records warnings. */
function recorder() {
  const warnings: string[] = [];
  const noop = () => undefined;
  return { warnings, logger: { debug: noop, info: noop, error: noop, warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? '') } };
}

const addr = (i: number) => `/ip4/10.0.${Math.floor(i / 250)}.${i % 250}/tcp/28444`;

describe('usableAddrs', () => {
  it('keeps TCP addresses, drops unspecified ones, relays and other transports, and strips /p2p/', () => {
    expect(usableAddrs([
      '/ip4/10.0.0.1/tcp/1/p2p/12D3KooWNeHzxChwmcAhdvkAxVgzcQDwpHEpQ9tB4MUh4KejgkbE', '/ip4/0.0.0.0/tcp/1', '/ip6/::/tcp/1',
      '/ip4/1.2.3.4/udp/1/quic-v1', '/ip4/1.2.3.4/tcp/1/p2p/x/p2p-circuit', '/dns4/node.example/tcp/2',
    ])).toEqual(['/ip4/10.0.0.1/tcp/1', '/dns4/node.example/tcp/2']);
  });

  it('drops loopback addresses of a peer that has others, and keeps them for a loopback-only peer', () => {
    expect(usableAddrs(['/ip4/127.0.0.1/tcp/1', '/ip4/10.0.0.1/tcp/1'])).toEqual(['/ip4/10.0.0.1/tcp/1']);
    expect(usableAddrs(['/ip4/127.0.0.1/tcp/1'])).toEqual(['/ip4/127.0.0.1/tcp/1']);
  });
});

describe('AddressBook', () => {
  it('keeps the first source, merges addresses and stays within its bound', () => {
    const book = new AddressBook({ max: 3 });
    expect(book.add('p1', [addr(1)], 'A', 100)).toBe(true);
    expect(book.add('p1', [addr(2)], 'B', 101)).toBe(false);
    expect(book.get('p1')).toMatchObject({ source: 'A', lastSeen: 101, addrs: [addr(2), addr(1)] });
    for (let i = 2; i < 10; i++) book.add(`p${i}`, [addr(i)], 'A', 100 + i);
    expect(book.size).toBe(3);
    expect(book.add('nothing-usable', ['/ip4/0.0.0.0/tcp/1'], 'A', 1)).toBe(false);
  });

  it('keeps the peers it has reached over the ones it has only heard of when full', () => {
    const book = new AddressBook({ max: 2 });
    book.add('reached', [addr(1)], 'A', 1);
    book.succeeded('reached', 2);
    book.add('heard1', [addr(2)], 'A', 50);
    book.add('heard2', [addr(3)], 'A', 60);
    expect(book.list().map((e) => e.id)).toEqual(['reached', 'heard2']);
  });

  it('spaces out dials after failures, and forgets a peer that keeps failing', () => {
    const book = new AddressBook({ max: 10 });
    book.add('p', [addr(1)], 'A', 0);
    book.failed('p', 100);
    expect(book.dialable(105, () => false)).toEqual([]);
    expect(book.dialable(110, () => false).map((e) => e.id)).toEqual(['p']);
    book.failed('p', 110);
    expect(book.dialable(125, () => false)).toEqual([]);
    expect(book.dialable(130, () => false)).toHaveLength(1);
    for (let i = 2; i < MAX_FAILURES; i++) book.failed('p', 1000 * i);
    expect(book.get('p')).toBeUndefined();
  });

  it('lists dialable peers reached before first, and skips what the caller says', () => {
    const book = new AddressBook({ max: 10 });
    book.add('new', [addr(1)], 'A', 50);
    book.add('old', [addr(2)], 'A', 1);
    book.succeeded('old', 2);
    book.add('skip', [addr(3)], 'A', 60);
    expect(book.dialable(100, (id) => id === 'skip').map((e) => e.id)).toEqual(['old', 'new']);
  });
});

describe('peers.json', () => {
  const entry = (i: number): BookEntry => ({ id: `peer${i}`, addrs: [addr(i)], source: 'dht', lastSeen: i, lastSuccess: 0, lastAttempt: 0, failures: 0 });

  it('round-trips the book, bounded, and writes no temporary file beside it', () => {
    const d = dir();
    const path = peersFilePath(d);
    const { logger, warnings } = recorder();
    savePeers(path, 'regtest', [...Array(20)].map((_, i) => entry(i)), 5, logger);
    const loaded = loadPeers(path, 'regtest', 100, logger);
    expect(loaded.map((e) => e.id)).toEqual(['peer0', 'peer1', 'peer2', 'peer3', 'peer4']);
    expect(loaded[3]).toEqual(entry(3));
    expect(loadPeers(path, 'regtest', 2, logger)).toHaveLength(2);
    expect(warnings).toEqual([]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, network: 'regtest' });
    expect(existsSync(`${path}.${process.pid}.tmp`)).toBe(false);
  });

  it('is empty without a file, and ignores a corrupt file, another version or network, with a warning', () => {
    const d = dir();
    const path = peersFilePath(d);
    const { logger, warnings } = recorder();
    expect(loadPeers(path, 'regtest', 10, logger)).toEqual([]);
    expect(warnings).toEqual([]);
    for (const text of ['{"version":1,"network":"regt', 'null', '[]', '{"version":2,"network":"regtest","peers":[]}', '{"version":1,"network":"testnet","peers":[]}', '\u0000\u0001']) {
      writeFileSync(path, text);
      expect(loadPeers(path, 'regtest', 10, logger), text).toEqual([]);
    }
    expect(warnings).toHaveLength(6);
  });

  it('skips malformed entries one by one', () => {
    const path = peersFilePath(dir());
    const { logger, warnings } = recorder();
    const peers = [entry(1), { ...entry(2), failures: -1 }, { id: 3 }, 'x', { ...entry(4), addrs: 'no' }, entry(5)];
    writeFileSync(path, JSON.stringify({ version: 1, network: 'regtest', peers }));
    expect(loadPeers(path, 'regtest', 10, logger).map((e) => e.id)).toEqual(['peer1', 'peer5']);
    expect(warnings).toHaveLength(1);
  });

  it('logs a file it cannot write instead of throwing', () => {
    const { logger, warnings } = recorder();
    savePeers(join(root, 'no-such-dir', 'peers.json'), 'regtest', [entry(1)], 10, logger);
    expect(warnings).toEqual(['could not save peers.json']);
  });
});
