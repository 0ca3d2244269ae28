/** `help` text and the OpenRPC document, both derived from the method table. */
import type { ParamType, RpcMethod, RpcParam } from './types.js';

/** Core's RPCArg type names (RPCArg::ToDescriptionString), which clients parse out of `help <method>`. */
const CORE_TYPE_NAMES: Record<ParamType, string> = {
  string: 'string', hex: 'string', hash: 'string', address: 'string', number: 'numeric', integer: 'numeric',
  amount: 'numeric or string', boolean: 'boolean', object: 'json object', array: 'json array', any: 'any',
};

/** The order Core writes a union in ("string or numeric", getblockstats' hash_or_height). */
const UNION_ORDER = ['string', 'numeric', 'numeric or string', 'boolean', 'json object', 'json array', 'any'];

/**
 * A parameter's type as Core's help writes it: `numeric`, `string`, `json object`, or several
 * joined by "or". A verbosity that also takes true/false is `numeric`, as Core documents its own.
 */
export function coreTypeName(p: Pick<RpcParam, 'type'>): string {
  const types = Array.isArray(p.type) ? p.type : [p.type];
  const names = new Set(types.map((t) => CORE_TYPE_NAMES[t]));
  if (names.has('numeric')) names.delete('boolean');
  return [...names].sort((a, b) => UNION_ORDER.indexOf(a) - UNION_ORDER.indexOf(b)).join(' or ');
}

/** How Core's one-line signature shows an argument: strings quoted, optional ones in parentheses. */
function signatureArg(p: RpcParam): string {
  const text = coreTypeName(p) === 'string' ? `"${p.name}"` : p.name;
  return p.required ? text : `( ${text} )`;
}

function presence(p: RpcParam): string {
  if (p.required) return 'required';
  return p.default !== undefined ? `optional, default=${JSON.stringify(p.default)}` : 'optional';
}

/** Core's help text of one method: signature, description, numbered arguments (aligned as Core aligns them), result. */
function methodHelp(m: RpcMethod): string {
  const left = m.params.map((p, i) => `${i + 1}. ${p.name}`);
  const width = Math.max(0, ...left.map((l) => l.length)) + 4;
  const args = m.params.map((p, i) => `${left[i]!.padEnd(width)}(${coreTypeName(p)}, ${presence(p)}) ${p.description}`);
  const signature = `${m.name} ${m.params.map(signatureArg).join(' ')}`.trim();
  return [signature, '', m.description, '', ...(args.length ? ['Arguments:', ...args, ''] : []), 'Result:', m.result].join('\n');
}

/** One line per method grouped by category, or the full text of single methods. */
export function formatHelp(methods: readonly RpcMethod[], detailed = false): string {
  if (detailed) return methods.map(methodHelp).join('\n\n');
  const byCategory = new Map<string, RpcMethod[]>();
  for (const m of methods) byCategory.set(m.category, [...(byCategory.get(m.category) ?? []), m]);
  const out: string[] = [];
  for (const [category, list] of [...byCategory.entries()].sort()) {
    out.push(`== ${category[0]!.toUpperCase()}${category.slice(1)} ==`);
    for (const m of list.sort((a, b) => a.name.localeCompare(b.name))) out.push(`${m.name} ${m.params.map(signatureArg).join(' ')}`.trim());
    out.push('');
  }
  return out.join('\n').trimEnd();
}

const JSON_SCHEMA: Record<string, object> = {
  string: { type: 'string' }, number: { type: 'number' }, integer: { type: 'integer' }, boolean: { type: 'boolean' },
  object: { type: 'object' }, array: { type: 'array' }, any: {}, hex: { type: 'string', pattern: '^([0-9a-fA-F]{2})*$' },
  hash: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, address: { type: 'string' }, amount: { type: 'number' },
};

/** The method table as an OpenRPC 1.2 document (rpc.discover). */
export function openRpcDocument(methods: readonly RpcMethod[], network: string): object {
  return {
    openrpc: '1.2.6',
    info: { title: `Tally JSON-RPC (${network})`, version: '0.1.0' },
    methods: methods.map((m) => ({
      name: m.name,
      summary: m.description,
      tags: [{ name: m.category }],
      paramStructure: 'either',
      params: m.params.map((p) => ({
        name: p.name,
        description: p.description,
        required: p.required ?? false,
        schema: Array.isArray(p.type) ? { oneOf: p.type.map((t) => JSON_SCHEMA[t]) } : JSON_SCHEMA[p.type],
        ...(p.default !== undefined ? { default: p.default } : {}),
      })),
      result: { name: 'result', description: m.result, schema: {} },
    })),
  };
}
