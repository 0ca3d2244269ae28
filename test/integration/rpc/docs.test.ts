/**
 * docs/RPC.md, `help` and `rpc.discover` all come from the one method table:
 * - regenerating the document gives exactly the committed file (run
 *   `npm run docs:rpc` after changing a method);
 * - every method of the table is listed by `help` over RPC, explained by
 *   `help <method>`, documented in docs/RPC.md, and described in a
 *   structurally valid OpenRPC document from `rpc.discover`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_DOCS_PATH, renderCurrentRpcDocs } from '../../../scripts/gen-rpc-docs.js';
import { RPC } from '../../../src/rpc/errors.js';
import { buildMethodTable } from '../../../src/rpc/methods/index.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const table = buildMethodTable();
const names = [...table.keys()].sort();

describe('docs/RPC.md', () => {
  it('is what scripts/gen-rpc-docs.ts generates from the method table (run `npm run docs:rpc`)', () => {
    expect(readFileSync(RPC_DOCS_PATH, 'utf8')).toBe(renderCurrentRpcDocs());
  });

  it('has a section for every method and a row for every error code', () => {
    const text = renderCurrentRpcDocs();
    for (const name of names) expect(text, name).toContain(`\n### ${name}\n`);
    for (const [name, code] of Object.entries(RPC)) expect(text, name).toContain(`| ${code} | \`${name}\` |`);
  });

  it('documents every parameter of every method', () => {
    const text = renderCurrentRpcDocs();
    for (const method of table.values()) {
      const section = text.slice(text.indexOf(`\n### ${method.name}\n`));
      const end = section.indexOf('\n### ', 1);
      const body = end < 0 ? section : section.slice(0, end);
      for (const p of method.params) expect(body, `${method.name}.${p.name}`).toContain(`| \`${p.name}\` |`);
      if (method.regtestOnly) expect(body, method.name).toContain('Regtest only');
    }
  });
});

interface OpenRpcParam { name: string; required?: boolean; schema: unknown; description?: string }
interface OpenRpcMethod { name: string; params: OpenRpcParam[]; result: { name: string; schema: unknown } }
interface OpenRpcDocument { openrpc: string; info: { title: string; version: string }; methods: OpenRpcMethod[] }

describe('help and rpc.discover over RPC', () => {
  let node: RpcTestNode;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-docs'));
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('help lists every method of the table, by category', async () => {
    const help = await node.result<string>('help');
    const listed = new Set(help.split('\n').filter((l) => l && !l.startsWith('==')).map((l) => l.split(' ')[0]));
    expect([...listed].sort()).toEqual(names);
  });

  it('help <method> explains each method with its parameters', async () => {
    const batch = names.map((name, id) => ({ jsonrpc: '2.0', method: 'help', params: [name], id }));
    const res = await node.raw(JSON.stringify(batch));
    expect(res.status).toBe(200);
    const replies = JSON.parse(res.text) as { id: number; result: string }[];
    for (const reply of replies) {
      const method = table.get(names[reply.id]!)!;
      expect(reply.result.startsWith(method.name), method.name).toBe(true);
      for (const p of method.params) expect(reply.result, `${method.name}.${p.name}`).toContain(p.name);
    }
  });

  it('rpc.discover is an OpenRPC document with every method, its params and result', async () => {
    const doc = await node.result<OpenRpcDocument>('rpc.discover');
    expect(doc.openrpc).toMatch(/^1\.\d+\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.methods.map((m) => m.name).sort()).toEqual(names);
    for (const m of doc.methods) {
      const method = table.get(m.name)!;
      expect(Array.isArray(m.params), m.name).toBe(true);
      expect(m.params.map((p) => p.name), m.name).toEqual(method.params.map((p) => p.name));
      expect(new Set(m.params.map((p) => p.name)).size, `${m.name}: unique param names`).toBe(m.params.length);
      for (const p of m.params) {
        expect(typeof p.schema, `${m.name}.${p.name} schema`).toBe('object');
        expect(p.schema, `${m.name}.${p.name} schema`).not.toBeNull();
        expect(typeof (p.required ?? false), `${m.name}.${p.name} required`).toBe('boolean');
      }
      // OpenRPC: required params may not follow optional ones when called by position.
      const firstOptional = m.params.findIndex((p) => !p.required);
      if (firstOptional >= 0) expect(m.params.slice(firstOptional).some((p) => p.required), `${m.name}: required after optional`).toBe(false);
      expect(typeof m.result.name, m.name).toBe('string');
      expect(typeof m.result.schema, m.name).toBe('object');
    }
  });
});
