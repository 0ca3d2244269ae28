// A serialized transaction cut into its fields (BIP144 layout when it has
// witnesses), so that the raw hex on the transaction page can say which bytes
// are which. Pure: hex in, `[{ field, label, hex }]` out, the pieces in order.

/** Reads a Bitcoin CompactSize at hex offset `at`: `{ value, hex }`. */
function compactSize(hex, at) {
  const first = parseInt(hex.slice(at, at + 2), 16);
  const extra = first < 0xfd ? 0 : first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
  const bytes = hex.slice(at + 2, at + 2 + extra * 2);
  const le = bytes.match(/../g)?.reverse().join('') ?? '';
  return { value: extra ? parseInt(le, 16) : first, hex: hex.slice(at, at + 2 + extra * 2) };
}

/**
 * The fields of a transaction's hex. Throws a RangeError when the bytes run out
 * (the page then shows the hex without the cut).
 */
export function anatomy(hex) {
  const parts = [];
  let at = 0;
  const take = (field, label, bytes) => {
    if (at + bytes * 2 > hex.length) throw new RangeError(`${field}: the transaction ends early`);
    parts.push({ field, label, hex: hex.slice(at, at + bytes * 2) });
    at += bytes * 2;
  };
  const count = (field, label) => {
    const n = compactSize(hex, at);
    take(field, `${label}: ${n.value}`, n.hex.length / 2);
    return n.value;
  };
  take('version', 'version (4 bytes, little-endian)', 4);
  const segwit = hex.slice(at, at + 4) === '0001';
  if (segwit) take('marker', 'segwit marker 00 and flag 01 (BIP144): witnesses follow the outputs', 2);
  const inputs = count('count', 'number of inputs');
  for (let i = 0; i < inputs; i++) {
    take('prevout', `input ${i}: txid of the spent output (32 bytes, byte-reversed) and its index (4 bytes)`, 36);
    take('script', `input ${i}: scriptSig`, count('count', `input ${i}: scriptSig length`));
    take('sequence', `input ${i}: sequence (4 bytes)`, 4);
  }
  const outputs = count('count', 'number of outputs');
  for (let o = 0; o < outputs; o++) {
    take('value', `output ${o}: value in satoshis (8 bytes, little-endian)`, 8);
    take('script', `output ${o}: scriptPubKey`, count('count', `output ${o}: scriptPubKey length`));
  }
  for (let i = 0; segwit && i < inputs; i++) {
    const items = count('count', `input ${i}: number of witness items`);
    for (let k = 0; k < items; k++) take('witness', `input ${i}: witness item ${k}`, count('count', `input ${i}: witness item ${k} length`));
  }
  take('locktime', 'locktime (4 bytes)', 4);
  if (at !== hex.length) throw new RangeError('bytes left after the locktime');
  return parts;
}
