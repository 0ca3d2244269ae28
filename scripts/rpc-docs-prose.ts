/**
 * Prose sections of docs/RPC.md that scripts/gen-rpc-docs.ts renders around the
 * method table: cross-origin requests, the explorer's sign-in link, and how a
 * notification client catches up after a lost connection. Figures come from
 * the code's defaults, so the page cannot drift from them.
 */
import { defaultExplorerOptions } from '../src/explorer/options.js';
import { PREFLIGHT_MAX_AGE } from '../src/rpc/cors.js';
import { DEFAULT_EVENT_LOG } from '../src/rpc/notifications.js';

/** `--rpc-cors`: browser wallets on another origin. */
export function corsSection(): string[] {
  return [
    '### Browser pages on another origin (`--rpc-cors`)',
    '',
    'A browser request from another origin (an `Origin` header that is not this server\'s) gets HTTP 403: the browser',
    'would attach credentials it cached for this server. `--rpc-cors <origin>` (repeatable; `rpc-cors=` in tally.conf;',
    'off by default) lets pages of that origin (`scheme://host[:port]`) call the RPC with the Fetch standard\'s answers:',
    '',
    `- a preflight (\`OPTIONS\` with \`Access-Control-Request-Method\`) gets 204, without credentials, with`,
    `  \`Access-Control-Allow-Origin: <origin>\`, \`-Allow-Credentials: true\`, \`-Allow-Methods: POST, GET, OPTIONS\`,`,
    `  \`-Allow-Headers: Authorization, Content-Type\` and \`-Max-Age: ${PREFLIGHT_MAX_AGE}\`;`,
    '- every answer to that origin (a 401 included, so the page can read it) carries `Access-Control-Allow-Origin` and',
    '  `Access-Control-Allow-Credentials: true`; the page still authenticates (an `Authorization: Basic` header it sends,',
    '  or `credentials: "include"` for credentials the browser holds). The explorer\'s session cookie does not count there;',
    '- `--rpc-cors \'*\'` allows every origin without credentials (`Access-Control-Allow-Origin: *`); the page must send its',
    '  own `Authorization` header;',
    '- other origins still get 403 (and 403 to their preflights); with `--rpc-cors` set, answers carry `Vary: Origin`.',
    '',
    'The WebSocket below admits the listed origins too.',
    '',
  ];
}

/** The explorer's sign-in link and session cookie. */
export function signInSection(): string[] {
  const hours = defaultExplorerOptions().signInTtlMs / 3_600_000;
  return [
    'With `--explorer`, the node prints a **sign-in link** at start-up (`Explorer: http://127.0.0.1:<port>/?token=...`).',
    `Opening it spends its one-time token (valid ${hours} hours) and answers 303 to the same page without the token, setting a`,
    'session cookie (`HttpOnly; SameSite=Strict`) that authenticates the page, its JSON-RPC calls and its WebSocket from',
    'this origin only. A page opened with Basic credentials (the browser\'s prompt, or `http://__cookie__:<pw>@host:port/`)',
    'gets such a cookie as well. A link used twice, made up or expired gets 401.',
    '',
  ];
}

/** Sequence numbers and what a client does after a lost connection. */
export function recoverySection(): string[] {
  return [
    '### Sequence numbers and catching up after a disconnect',
    '',
    'Every notification\'s `params` carry `sequence`: one increasing number series for all topics and addresses (like Bitcoin',
    'Core\'s ZMQ `sequence` notifier). `subscribe` and `unsubscribe` also answer `sequence` (the latest number) and `stream`, an id',
    'made when the node starts: after a restart numbers begin again under another id. A client sees only the numbers of',
    'what it subscribed to, so jumps in them are normal. The node keeps the latest',
    `${DEFAULT_EVENT_LOG.maxEvents.toLocaleString('en')} notifications (at most ${DEFAULT_EVENT_LOG.maxBytes / (1024 * 1024)} MiB), and follows a subscribed address for a while after its subscriber left.`,
    'To catch up:',
    '',
    '1. Remember the `stream` from the `subscribe` answer and the `sequence` of the last notification handled.',
    '2. After reconnecting, subscribe as before, adding `"since": <that sequence>, "stream": <that stream>`:',
    '',
    '   ```json',
    `   {"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"topics":["blocks"],"addresses":["tlr1p..."],"since":4711,"stream":"9f86d081884c7d65"}}`,
    '   ```',
    '',
    '3. The missed notifications that match the subscription arrive first, in order, with their original numbers; then',
    '   the answer, with `replayed` (how many) and `gap: null`; then live ones. Nothing is lost or repeated.',
    '4. When they can no longer be sent, one notification comes instead:',
    '   `{"method":"gap","params":{"action":"resync","reason":...,"since":...,"oldest":...,"sequence":...,"stream":...}}`',
    '   (and `gap` in the answer): `evicted` (more were missed than are kept), `other-stream` (the node restarted) or',
    '   `not-watched` (an address nobody followed all along). Re-read the state over RPC (`getbestblockhash` and',
    '   `getblockhash` for blocks, `getrawmempool` for the mempool, `getaddressdeltas` with `start` and `getaddressmempool`',
    '   for addresses), then carry on from the live notifications; use the answer\'s `sequence` and `stream` from now on.',
    '',
    'A `since` greater than the latest number is error -8, as is `since` without `stream`.',
    '',
  ];
}
