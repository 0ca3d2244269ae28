/**
 * Parameter validation from the method table: positional or named arguments
 * become one checked object, or a JSON-RPC error naming the parameter.
 */
import { decodeAddress } from '../primitives/address.js';
import { COIN, MAX_MONEY } from '../consensus/constants.js';
import type { NetworkParams } from '../consensus/params.js';
import { RPC, RpcError } from './errors.js';
import type { ParamType, RpcMethod, RpcParam } from './types.js';

const HEX = /^([0-9a-fA-F]{2})*$/;
const HASH = /^[0-9a-fA-F]{64}$/;

/** Satoshis of a JSON amount (at most 8 decimals, within MAX_MONEY). */
export function parseAmount(value: unknown, name = 'amount'): bigint {
  if (typeof value !== 'number' && typeof value !== 'string') throw new RpcError(RPC.TYPE_ERROR, `${name}: amount is not a number or string`);
  const text = typeof value === 'number' ? value.toFixed(8) : value.trim();
  const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text);
  // A number with more than 8 decimals would be silently rounded by toFixed: refuse it instead.
  const subSatoshi = typeof value === 'number' && Math.abs(value * 1e8 - Math.round(value * 1e8)) > 1e-4;
  if (!m || subSatoshi || (typeof value === 'number' && value < 0)) throw new RpcError(RPC.TYPE_ERROR, `${name}: invalid amount`);
  const sats = BigInt(m[1]!) * COIN + BigInt((m[2] ?? '').padEnd(8, '0'));
  if (sats > MAX_MONEY) throw new RpcError(RPC.TYPE_ERROR, `${name}: amount out of range`);
  return sats;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkOne(param: RpcParam, type: ParamType, value: unknown, network: NetworkParams): unknown {
  const fail = (what: string) => new RpcError(RPC.INVALID_PARAMETER, `${param.name}: ${what}`);
  const typeFail = (expected: string) => new RpcError(RPC.TYPE_ERROR, `${param.name}: expected ${expected}, got ${typeName(value)}`);
  switch (type) {
    case 'any': return value;
    case 'string': if (typeof value !== 'string') throw typeFail('string'); return value;
    case 'boolean': if (typeof value !== 'boolean') throw typeFail('boolean'); return value;
    case 'object': if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeFail('object'); return value;
    case 'array': if (!Array.isArray(value)) throw typeFail('array'); return value;
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeFail(type);
      if (type === 'integer' && !Number.isSafeInteger(value)) throw typeFail('integer');
      if (param.min !== undefined && value < param.min) throw fail(`must be at least ${param.min}`);
      if (param.max !== undefined && value > param.max) throw fail(`must be at most ${param.max}`);
      return value;
    }
    case 'hex':
      if (typeof value !== 'string') throw typeFail('hex string');
      if (!HEX.test(value)) throw fail('must be hexadecimal with an even number of digits');
      return value.toLowerCase();
    case 'hash':
      if (typeof value !== 'string') throw typeFail('hex string');
      if (!HASH.test(value)) throw fail('must be 64 hexadecimal digits');
      return value.toLowerCase();
    case 'address':
      if (typeof value !== 'string') throw typeFail('address string');
      try {
        decodeAddress(network.addressPrefix, value);
      } catch (err) {
        throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `${param.name}: invalid ${network.name} address (${(err as Error).message})`);
      }
      return value;
    case 'amount':
      return parseAmount(value, param.name);
  }
}

function check(param: RpcParam, value: unknown, network: NetworkParams): unknown {
  const types = Array.isArray(param.type) ? param.type : [param.type];
  let last: unknown;
  for (const t of types) {
    try {
      return checkOne(param, t, value, network);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** Validates `raw` (an array or object) against the method's parameters. */
export function validateParams(method: Pick<RpcMethod, 'name' | 'params'>, raw: unknown, network: NetworkParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let given: Record<string, unknown>;
  if (raw === undefined || raw === null) {
    given = {};
  } else if (Array.isArray(raw)) {
    if (raw.length > method.params.length) {
      throw new RpcError(RPC.INVALID_PARAMS, `${method.name} takes at most ${method.params.length} parameters, got ${raw.length}`);
    }
    given = {};
    raw.forEach((v, i) => { given[method.params[i]!.name] = v; });
  } else if (typeof raw === 'object') {
    given = raw as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!method.params.some((p) => p.name === key)) throw new RpcError(RPC.INVALID_PARAMS, `unknown named parameter "${key}"`);
    }
  } else {
    throw new RpcError(RPC.INVALID_REQUEST, 'params must be an array or an object');
  }
  for (const param of method.params) {
    const value = given[param.name];
    if (value === undefined || value === null) {
      if (param.required) throw new RpcError(RPC.INVALID_PARAMS, `missing required parameter "${param.name}"`);
      if (param.default !== undefined) out[param.name] = param.default;
      continue;
    }
    out[param.name] = check(param, value, network);
  }
  return out;
}
