import { describe, expect, it } from 'vitest';
import { addressesByLabel, checkLabel, listLabels } from '../../../src/wallet/labels.js';
import { WalletError } from '../../../src/wallet/errors.js';
import type { AddressBookEntry } from '../../../src/wallet/records.js';

const book = new Map<string, AddressBookEntry>([
  ['tlr1pa', { label: 'shop', purpose: 'receive' }],
  ['tlr1pb', { label: '', purpose: 'receive' }],
  ['tlr1pc', { label: 'shop', purpose: 'receive' }],
  ['tlr1pd', { label: 'supplier', purpose: 'send' }],
]);

describe('labels', () => {
  it('accepts any label but "*", which Core reserves for "all labels"', () => {
    expect(checkLabel('')).toBe('');
    expect(checkLabel('rent 2027')).toBe('rent 2027');
    expect(() => checkLabel('*')).toThrow(WalletError);
  });

  it('lists each label once, sorted, optionally by purpose', () => {
    expect(listLabels(book)).toEqual(['', 'shop', 'supplier']);
    expect(listLabels(book, 'send')).toEqual(['supplier']);
    expect(listLabels(book, 'receive')).toEqual(['', 'shop']);
    expect(listLabels(new Map())).toEqual([]);
  });

  it('gives the addresses of a label with their purpose, and refuses a label no address has', () => {
    expect(addressesByLabel(book, 'shop')).toEqual({ tlr1pa: { purpose: 'receive' }, tlr1pc: { purpose: 'receive' } });
    expect(addressesByLabel(book, 'supplier')).toEqual({ tlr1pd: { purpose: 'send' } });
    expect(() => addressesByLabel(book, 'nobody')).toThrow(/No addresses with label nobody/);
  });
});
