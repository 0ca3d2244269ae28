/** `help` text and the OpenRPC document, both derived from the method table. */
import type { RpcMethod, RpcParam } from './types.js';

function typeText(p: RpcParam): string {
  return Array.isArray(p.type) ? p.type.join('|') : p.type;
}

/** One line per method grouped by category, or the full text of single methods. */
export function formatHelp(methods: readonly RpcMethod[], detailed = false): string {
  if (detailed) {
    return methods.map((m) => {
      const args = m.params.map((p, i) => `${i + 1}. ${p.name} (${typeText(p)}, ${p.required ? 'required' : p.default !== undefined ? `optional, default=${JSON.stringify(p.default)}` : 'optional'}) ${p.description}`);
      return [`${m.name} ${m.params.map((p) => (p.required ? p.name : `( ${p.name} )`)).join(' ')}`.trim(), '', m.description, '', ...(args.length ? ['Arguments:', ...args, ''] : []), `Result: ${m.result}`].join('\n');
    }).join('\n\n');
  }
  const byCategory = new Map<string, RpcMethod[]>();
  for (const m of methods) byCategory.set(m.category, [...(byCategory.get(m.category) ?? []), m]);
  const out: string[] = [];
  for (const [category, list] of [...byCategory.entries()].sort()) {
    out.push(`== ${category[0]!.toUpperCase()}${category.slice(1)} ==`);
    for (const m of list.sort((a, b) => a.name.localeCompare(b.name))) out.push(`${m.name} ${m.params.map((p) => (p.required ? `"${p.name}"` : `( "${p.name}" )`)).join(' ')}`.trim());
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
