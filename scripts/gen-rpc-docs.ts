/**
 * Generates docs/RPC.md from the RPC method table, the one source that also
 * drives dispatch, parameter checks, `help` and `rpc.discover`, so the
 * document cannot drift from what the server does.
 *
 *   npm run docs:rpc            # rewrites docs/RPC.md
 *   npx tsx scripts/gen-rpc-docs.ts --check   # exits 1 when docs/RPC.md is stale
 *
 * `renderRpcDocs()` is pure (no clock, no file access) so that a test can
 * compare its output with the committed file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { networks } from '../src/consensus/params.js';
import { RPC } from '../src/rpc/errors.js';
import { buildMethodTable } from '../src/rpc/methods/index.js';
import { TOPICS, WS_PATH } from '../src/rpc/notifications.js';
import { corsSection, recoverySection, signInSection } from './rpc-docs-prose.js';
import { defaultRpcOptions } from '../src/rpc/options.js';
import type { ParamType, RpcMethod, RpcParam } from '../src/rpc/types.js';

export const RPC_DOCS_PATH = fileURLToPath(new URL('../docs/RPC.md', import.meta.url));

/** Categories in the order the document presents them; any new category follows, alphabetically. */
const CATEGORY_ORDER = ['blockchain', 'rawtransactions', 'mempool', 'mining', 'network', 'addresses', 'util', 'control', 'wallet'];

const CATEGORY_TITLES: Record<string, string> = {
  blockchain: 'Blockchain', rawtransactions: 'Raw transactions', mempool: 'Mempool', mining: 'Mining',
  network: 'Network', addresses: 'Addresses', util: 'Utility', control: 'Control',
  wallet: 'Wallet', faucet: 'Faucet (Tally only)',
};

/** What each code of `RPC` (src/rpc/errors.ts) means to a client. */
const ERROR_MEANINGS: Record<string, string> = {
  PARSE_ERROR: 'The body is not valid JSON.',
  INVALID_REQUEST: 'The body is JSON but not a request object (or an empty or oversized batch, or a bad `jsonrpc` field).',
  METHOD_NOT_FOUND: 'No such method, or a regtest-only method on another network.',
  INVALID_PARAMS: 'Too many positional parameters, an unknown named parameter, or a missing required one.',
  INTERNAL_ERROR: 'An unexpected failure inside the node; the server keeps running.',
  LIMIT_EXCEEDED: 'Not a Core code (Core has no rate limit): the client is over the rate limit; sent with HTTP 429 and `Retry-After`, and on the WebSocket for messages over its limit; also `faucet` when an address or IP must wait (`data.retry_after`: seconds).',
  MISC_ERROR: 'A domain error without a more specific code (the message names its reject code).',
  TYPE_ERROR: 'A parameter has the wrong JSON type, or an amount is malformed.',
  INVALID_ADDRESS_OR_KEY: 'An address that is not valid for this network, or an unknown block or transaction.',
  INVALID_PARAMETER: 'A parameter has the right type but an invalid value (out of range, not hex, wrong length).',
  DESERIALIZATION_ERROR: 'Hex that does not decode to a transaction or block.',
  VERIFY_ERROR: 'A transaction or block could not be verified.',
  VERIFY_REJECTED: 'Rejected by consensus or mempool policy; the message is the reject code (e.g. `bad-txns-inputs-missingorspent`) and `data.reason` explains it.',
  VERIFY_ALREADY_IN_CHAIN: 'The transaction is already in the mempool or the chain.',
  IN_WARMUP: 'The node is still starting.',
  METHOD_DEPRECATED: 'The method is deprecated.',
  CLIENT_NOT_CONNECTED: 'The node has no peer-to-peer service or no peers.',
  CLIENT_NODE_ALREADY_ADDED: 'The peer was already added.',
  CLIENT_NODE_NOT_CONNECTED: 'The peer is not connected.',
  CLIENT_INVALID_IP_OR_SUBNET: 'An invalid IP address or subnet.',
  CLIENT_P2P_DISABLED: 'Peer-to-peer networking is disabled on this node.',
  WALLET_ERROR: 'A wallet failure without a more specific code (a wallet that already exists, a watch-only wallet asked to sign, a transaction that cannot be bumped).',
  WALLET_INSUFFICIENT_FUNDS: 'The wallet\'s spendable coins do not cover the payment and its fee.',
  WALLET_KEYPOOL_RAN_OUT: 'The wallet has no active descriptor to derive an address from (a blank or watch-only wallet).',
  WALLET_INVALID_LABEL_NAME: 'A label of "*" (setlabel, getnewaddress), or getaddressesbylabel of a label no address has.',
  WALLET_UNLOCK_NEEDED: 'The wallet is encrypted and locked: call `walletpassphrase` first.',
  WALLET_PASSPHRASE_INCORRECT: 'The passphrase given to `walletpassphrase` or `walletpassphrasechange` is wrong.',
  WALLET_WRONG_ENC_STATE: 'Encrypting an encrypted wallet, or locking or unlocking an unencrypted one.',
  WALLET_NOT_FOUND: 'The wallet named is not loaded (or does not exist), or no wallet is loaded.',
  WALLET_NOT_SPECIFIED: 'Several wallets are loaded and the request went to `/`: use `/wallet/<name>`.',
  WALLET_ALREADY_LOADED: 'loadwallet of a wallet that is already loaded.',
};

/** What each parameter type of the table accepts (src/rpc/params.ts). */
const PARAM_TYPES: Record<ParamType, string> = {
  string: 'a string', number: 'a finite number', integer: 'a number without a fractional part (a safe integer)',
  boolean: '`true` or `false`', object: 'a JSON object', array: 'a JSON array', any: 'any JSON value',
  hex: 'a string of hex digits, even in number', hash: 'a string of 64 hex digits (a block hash or txid, display order)',
  address: `a string: an address of the node's network (taproot, \`${networks.regtest.addressPrefix}1p...\` on regtest)`,
  amount: 'coins as a number or decimal string with at most 8 decimals, within the money supply',
};

/** HTTP statuses the server answers with, and when. */
const HTTP_STATUSES: [number, string][] = [
  [200, 'A result; any JSON-RPC 2.0 reply (errors included, except a parse error); every batch reply.'],
  [204, 'A CORS preflight from an origin listed with `--rpc-cors` (answered without credentials).'],
  [303, 'The explorer\'s sign-in link: the session cookie is set, and the browser goes on to the same page without the token.'],
  [400, 'JSON-RPC 1.0: an invalid request object.'],
  [401, 'Missing or wrong credentials (with `WWW-Authenticate: Basic realm="jsonrpc"`, empty body), answered after a pause (250 ms).'],
  [403, 'The client address is not loopback and not in `--rpc-allow-ip`; or a browser request (or preflight) from another origin not listed with `--rpc-cors`.'],
  [404, 'JSON-RPC 1.0: method not found.'],
  [405, 'A method other than POST.'],
  [413, 'The body is larger than the limit; the server stops reading and closes the connection.'],
  [429, 'The client address is over the rate limit: a JSON-RPC error -32005 body, `Retry-After` in seconds, connection closed.'],
  [500, 'A body that is not JSON (both versions, as Bitcoin Core does); JSON-RPC 1.0: any other error.'],
  [503, 'Too many requests in progress at once; retry later.'],
];

/** Makes text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

function inline(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

function typeText(p: RpcParam): string {
  return (Array.isArray(p.type) ? p.type : [p.type]).map((t) => `\`${t}\``).join(' or ');
}

function presence(p: RpcParam): string {
  if (p.required) return 'required';
  return p.default !== undefined ? `optional, default \`${JSON.stringify(p.default)}\`` : 'optional';
}

function bounds(p: RpcParam): string {
  if (p.min !== undefined && p.max !== undefined) return `; ${p.min} to ${p.max}`;
  if (p.min !== undefined) return `; at least ${p.min}`;
  if (p.max !== undefined) return `; at most ${p.max}`;
  return '';
}

/** GitHub's heading anchor for a method name (dots dropped). */
function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-');
}

function sortedCategories(methods: readonly RpcMethod[]): [string, RpcMethod[]][] {
  const groups = new Map<string, RpcMethod[]>();
  for (const m of methods) groups.set(m.category, [...(groups.get(m.category) ?? []), m]);
  const rank = (c: string) => (CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([c, list]) => [c, [...list].sort((a, b) => a.name.localeCompare(b.name))]);
}

function intro(): string[] {
  const regtestOpts = defaultRpcOptions(networks.regtest);
  const ports = Object.values(networks).map((n) => `${n.name} ${defaultRpcOptions(n).port}`).join(', ');
  const mib = (n: number) => `${n / (1024 * 1024)} MiB`;
  return [
    '# Tally JSON-RPC',
    '',
    '<!-- Generated by scripts/gen-rpc-docs.ts from the method table (src/rpc/methods). Do not edit: run `npm run docs:rpc`. -->',
    '',
    'A Bitcoin Core style JSON-RPC interface: the same request shapes, error codes and HTTP statuses, so existing',
    'Bitcoin RPC clients work against Tally. The method table that this page is generated from also drives',
    'dispatch, parameter checking, `help` and `rpc.discover`.',
    '',
    '## Endpoint',
    '',
    `HTTP \`POST /\` on \`--rpc-bind\` (default \`${regtestOpts.bind}\`) and \`--rpc-port\` (default per network: ${ports}).`,
    'Clients from addresses other than loopback are refused unless listed with `--rpc-allow-ip <ip or cidr>`.',
    '',
    ...corsSection(),
    '## Authentication',
    '',
    'HTTP Basic authentication with either',
    '',
    '- the **cookie**: at start the node writes `<datadir>/.cookie` (mode 0600) containing `__cookie__:<random password>`;',
    '  use user `__cookie__` and that password. The file is removed at shutdown and renewed at each start; or',
    '- `--rpc-user` and `--rpc-password` (or `rpc-user=` and `rpc-password=` in tally.conf).',
    '',
    ...signInSection(),
    'Passwords are compared in constant time. A request without valid credentials gets HTTP 401, after a pause',
    `(${regtestOpts.authFailureDelayMs} ms, as in Bitcoin Core) that slows password guessing without holding up other clients.`,
    '',
    '```sh',
    'curl --user "$(cat ~/.tally/regtest/.cookie)" --data-binary \\',
    `  '{"jsonrpc":"2.0","id":1,"method":"getblockcount","params":[]}' http://127.0.0.1:${networks.regtest.defaultRpcPort}/`,
    '```',
    '',
    '## Requests',
    '',
    '- **JSON-RPC 1.0** (no `jsonrpc` field, or `"1.0"`): replies carry both `result` and `error` (one of them `null`) and the',
    '  `id`; a failed single request gets a non-200 HTTP status as in Bitcoin Core (see below).',
    '- **JSON-RPC 2.0** (`"jsonrpc": "2.0"`): replies carry `jsonrpc`, `id` and either `result` or `error`, with HTTP 200.',
    '- `params` is an array (positional) or an object (named, by the parameter names below); omitted optional parameters',
    '  take their defaults, and `null` counts as omitted.',
    '- Amounts in results are JSON numbers in coins (8 decimals); ids of blocks and transactions are hex in display order.',
    `- **Batches**: a JSON array of requests (1 to ${regtestOpts.maxBatch}) gets an array of replies in the same order, always with`,
    '  HTTP 200; each element succeeds or fails on its own. Requests of a batch run one after another.',
    '',
    'Parameter types used below:',
    '',
    '| type | what the JSON value must be |',
    '| --- | --- |',
    ...Object.entries(PARAM_TYPES).map(([type, what]) => `| \`${type}\` | ${cell(what)} |`),
    '',
    '## Errors',
    '',
    'An error is `{ "code": <integer>, "message": <text>, "data"?: <any> }`. Codes are Bitcoin Core\'s',
    '(`src/rpc/protocol.h`); clients should branch on the code, never on the message text.',
    '',
    '| code | name | meaning |',
    '| ---: | --- | --- |',
    ...Object.entries(RPC).map(([name, code]) => `| ${code} | \`${name}\` | ${cell(ERROR_MEANINGS[name] ?? name.toLowerCase().replace(/_/g, ' '))} |`),
    '',
    '### HTTP statuses',
    '',
    '| status | when |',
    '| ---: | --- |',
    ...HTTP_STATUSES.map(([status, when]) => `| ${status} | ${cell(when)} |`),
    '',
    '## Limits',
    '',
    '| limit | default | on exceeding it |',
    '| --- | ---: | --- |',
    `| request body | ${mib(regtestOpts.maxBodyBytes)} | HTTP 413, connection closed without reading the rest |`,
    `| requests per batch | ${regtestOpts.maxBatch} | error -32600 for the whole batch |`,
    `| requests in progress | ${regtestOpts.maxConcurrent} | HTTP 503 for the excess requests |`,
    `| time to send a request | ${regtestOpts.requestTimeoutMs / 1000} s | the connection is closed (HTTP 408 when possible) |`,
    `| requests per client address | ${regtestOpts.rateLimit} per second, ${regtestOpts.rateBurst} at once (\`--rpc-rate-limit\`, \`--rpc-rate-burst\`); loopback exempt unless \`--rpc-rate-limit-loopback\` | HTTP 429 with error -32005 and \`Retry-After\` |`,
    `| WebSocket subscriber backlog | ${mib(regtestOpts.maxSubscriberBuffer)} | the subscriber is disconnected |`,
    '| WebSocket message from a client | 256 KiB; 10 per second, 20 at once | close 1009 (too big); error -32005 (too fast), close 1008 after 100 in a row |',
    '',
    '## Notifications (WebSocket)',
    '',
    `A WebSocket endpoint at \`${WS_PATH}\` on the same port, with the same credentials (Basic authentication on the`,
    'upgrade request), pushes events instead of polling. Messages are JSON-RPC 2.0:',
    '',
    '```json',
    `{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"topics":${JSON.stringify(TOPICS)},"addresses":["tlr1p..."]}}`,
    '```',
    '',
    '`subscribe` adds topics and addresses, `unsubscribe` removes them (with no params, everything); both answer with the',
    'subscription as it now is. Notifications (no `id`): `block` (topic `blocks`); `reorg`, then one `disconnected` per',
    'block that left the chain (topic `reorgs`); `tx` and `txremoved` (topic `mempool`); `address` for each transaction',
    'in the mempool or a connected block that pays or spends a subscribed address. A subscriber that falls more than the',
    'backlog limit behind is disconnected rather than buffered without bound. As JSON-RPC 2.0 requires, an `id` is a',
    'string, a number or `null`; a message with any other `id` gets error -32600 with `id` `null`.',
    '',
    ...recoverySection(),
  ];
}

function methodSection(m: RpcMethod): string[] {
  const signature = `${m.name} ${m.params.map((p) => (p.required ? p.name : `( ${p.name} )`)).join(' ')}`.trim();
  const out = [`### ${m.name}`, '', '```', signature, '```', '', inline(m.description), ''];
  if (m.regtestOnly) out.push('> **Regtest only**: available on networks that mine on demand; elsewhere it answers -32601 (method not found).', '');
  if (m.params.length === 0) {
    out.push('Parameters: none.', '');
  } else {
    out.push('| # | name | type | presence | description |', '| ---: | --- | --- | --- | --- |');
    m.params.forEach((p, i) => out.push(`| ${i + 1} | \`${p.name}\` | ${typeText(p)} | ${presence(p)} | ${cell(p.description)}${bounds(p)} |`));
    out.push('');
  }
  out.push(`**Result:** ${inline(m.result)}`, '');
  out.push(...coreSection(m));
  return out;
}

/** `a`, `b` and `c` from field paths. */
function pathList(paths: string[]): string {
  return paths.map((p) => `\`${p || '(the result)'}\``).join(', ');
}

/** The method's field-by-field comparison with Bitcoin Core's documented result (CoreComparison in src/rpc/types.ts). */
function coreSection(m: RpcMethod): string[] {
  const core = m.core;
  if (!core) return [];
  if (core.notInCore) return [`**Bitcoin Core:** not a Core method: ${inline(core.notInCore)}.`, ''];
  const out = ['**Compared with Bitcoin Core:**', ''];
  const same = Object.keys(core.same);
  if (same.length) out.push(`- same as Core: ${pathList(same)}`);
  for (const [path, { why }] of Object.entries(core.different ?? {})) out.push(`- different: \`${path || '(the result)'}\`: ${inline(why)}`);
  for (const [path, why] of Object.entries(core.added ?? {})) out.push(`- added: \`${path}\`: ${inline(why)}`);
  for (const [path, why] of Object.entries(core.missing ?? {})) out.push(`- missing: \`${path}\`: ${inline(why)}`);
  out.push('');
  return out;
}

/** One row per method: how many of Core's fields it gives the same, differently, or not at all, and what it adds. */
function coreSummary(methods: readonly RpcMethod[]): string[] {
  const rows = [...methods].sort((a, b) => a.name.localeCompare(b.name)).map((m) => {
    const c = m.core;
    if (!c) return `| [${m.name}](#${anchor(m.name)}) | not compared | | | |`;
    if (c.notInCore) return `| [${m.name}](#${anchor(m.name)}) | not in Core | | | |`;
    const count = (o?: object) => Object.keys(o ?? {}).length;
    return `| [${m.name}](#${anchor(m.name)}) | ${count(c.same)} | ${count(c.different)} | ${count(c.added)} | ${count(c.missing)} |`;
  });
  return [
    '## Compared with Bitcoin Core',
    '',
    'Each method below lists its result fields against Bitcoin Core\'s documented result (Core 28\'s RPC help text):',
    'the same (name, JSON type and meaning), different (and why), added by Tally, or missing (and why). Paths are',
    'dotted, and `[]` stands for every element of an array. `test/integration/rpc/core-shape.test.ts` checks every',
    'method on a running node against this list: the same and different fields are present with those types, and the',
    'missing ones are absent.',
    '',
    '| method | same | different | added | missing |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}

/** The whole document for a list of methods (deterministic: the same table gives the same bytes). */
export function renderRpcDocs(methods: readonly RpcMethod[]): string {
  const categories = sortedCategories(methods);
  const contents = ['## Methods', '', `${methods.length} methods.`, ''];
  for (const [category, list] of categories) {
    contents.push(`- **${CATEGORY_TITLES[category] ?? category}**: ${list.map((m) => `[${m.name}](#${anchor(m.name)})`).join(', ')}`);
  }
  contents.push('');
  const sections: string[] = [];
  for (const [category, list] of categories) {
    sections.push(`## ${CATEGORY_TITLES[category] ?? category}`, '');
    for (const m of list) sections.push(...methodSection(m));
  }
  return `${[...intro(), ...contents, ...coreSummary(methods), ...sections].join('\n').trimEnd()}\n`;
}

/** The document for the current method table. */
export function renderCurrentRpcDocs(): string {
  return renderRpcDocs([...buildMethodTable().values()]);
}

function main(argv: readonly string[]): number {
  const text = renderCurrentRpcDocs();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(RPC_DOCS_PATH, 'utf8');
    } catch {
      // A missing file is stale too.
    }
    if (current === text) return 0;
    process.stderr.write('docs/RPC.md is out of date: run `npm run docs:rpc`\n');
    return 1;
  }
  writeFileSync(RPC_DOCS_PATH, text);
  process.stderr.write(`wrote ${RPC_DOCS_PATH} (${buildMethodTable().size} methods)\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
