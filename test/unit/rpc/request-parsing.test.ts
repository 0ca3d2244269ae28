/** The two parsers every request meets first: the HTTP request target and the WebSocket message. Neither throws on any input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RPC, RpcError } from '../../../src/rpc/errors.js';
import { errorReply } from '../../../src/rpc/dispatch.js';
import { requestTarget } from '../../../src/rpc/http.js';
import { parseMessage, replyText } from '../../../src/rpc/ws-messages.js';
import { checkProperty } from '../../helpers/fuzz.js';
import { recordTrial } from '../../helpers/reliability.js';

const SEED = 20_261_206;
const asTarget = (url: string | undefined) => {
  const t = requestTarget(url);
  return t && { path: t.path, query: Object.fromEntries(t.query) };
};
const message = (text: string) => Buffer.from(text);

describe('requestTarget', () => {
  it('reads an origin-form target as a path on this server, however many slashes it starts with', () => {
    expect(asTarget('//')).toEqual({ path: '//', query: {} });
    expect(asTarget('///')).toEqual({ path: '///', query: {} });
    expect(asTarget('//[')).toEqual({ path: '//[', query: {} });
    expect(asTarget('//evil.example/ws')).toEqual({ path: '//evil.example/ws', query: {} });
    expect(asTarget('/ws?token=abc')).toEqual({ path: '/ws', query: { token: 'abc' } });
    expect(asTarget('/explorer/../ws')).toEqual({ path: '/ws', query: {} });
  });

  it('takes the path of an absolute-form target and refuses targets that name no resource', () => {
    expect(asTarget('http://127.0.0.1:28443/ws?token=t')).toEqual({ path: '/ws', query: { token: 't' } });
    for (const bad of ['*', 'http://[', 'mailto:a@b', 'file:///etc/passwd', '', undefined]) expect(asTarget(bad), String(bad)).toBeUndefined();
  });

  it('never throws', () => {
    const runs = checkProperty(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }).map((s) => `/${s}`)), (url) => {
      const t = requestTarget(url);
      if (t) expect(t.path.startsWith('/')).toBe(true);
    }), { numRuns: 2_000, seed: SEED });
    recordTrial({ area: 'Fuzzing', attack: 'HTTP request targets (random strings, origin-form and not)', times: runs, outcome: 'a path on this server or undefined; no exception' });
  });
});

describe('WebSocket messages', () => {
  /** The error a message is refused with before dispatch, if any. */
  const refusal = (text: string, binary = false) => {
    const parsed = parseMessage(message(text), binary);
    return 'error' in parsed ? parsed.error : undefined;
  };

  it('refuses an id that is not a string, a number or null, however deep, with -32600 and id null', () => {
    for (const id of ['[]', '{}', 'true', `${'['.repeat(100_000)}${']'.repeat(100_000)}`]) {
      const err = refusal(`{"jsonrpc":"2.0","id":${id},"method":"subscribe"}`);
      expect(err, id.slice(0, 10)).toBeInstanceOf(RpcError);
      expect(err!.code).toBe(RPC.INVALID_REQUEST);
      expect(JSON.parse(replyText(errorReply(err!, true).body))).toMatchObject({ id: null, error: { code: RPC.INVALID_REQUEST } });
    }
    expect(parseMessage(message('{"id":"a","method":"subscribe"}'), false)).toEqual({ request: { id: 'a', method: 'subscribe' } });
    expect(refusal('{"method":"subscribe"}')).toBeUndefined();
  });

  it('answers parse errors, non-objects and binary frames with coded errors', () => {
    expect(refusal('{')?.code).toBe(RPC.PARSE_ERROR);
    expect(refusal('{"id":1}', true)?.code).toBe(RPC.PARSE_ERROR);
    expect(refusal('[]')?.code).toBe(RPC.INVALID_REQUEST);
    expect(refusal('42')?.code).toBe(RPC.INVALID_REQUEST);
  });

  it('serializes a response that cannot be serialized as an internal error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(JSON.parse(replyText({ jsonrpc: '2.0', id: 1, result: cyclic }))).toEqual({ jsonrpc: '2.0', id: null, error: { code: RPC.INTERNAL_ERROR, message: 'Internal error' } });
    expect(JSON.parse(replyText(errorReply(new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found'), true, 'x').body)))
      .toEqual({ jsonrpc: '2.0', id: 'x', error: { code: RPC.METHOD_NOT_FOUND, message: 'Method not found' } });
  });
});
