// The node's public interfaces, as a browser reaches them: JSON-RPC over same-origin
// fetch (with the session cookie the sign-in link or the page load set, or the Basic
// credentials the browser prompted for) and the /ws notifications (opened with a
// short-lived token from /explorer/session).
//
// Every URL is built from location.origin, never relative to the page: opened as
// http://__cookie__:<pw>@host/, the page's own URL holds credentials, and fetch()
// refuses any URL resolved against it ("Request cannot be constructed from a URL
// that includes credentials").

/** An absolute URL on this server, without the user and password the page's URL may carry. */
export function serverUrl(path) {
  return new URL(path, location.origin).href;
}

export class RpcError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

let nextId = 1;

async function post(body) {
  const res = await fetch(serverUrl('/'), { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status === 401) throw new RpcError(-401, 'Not authorized: open the sign-in link the node printed at start-up, or reload the page and sign in with the RPC user and password (or __cookie__ and the datadir .cookie password).');
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new RpcError(-32700, `HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
}

/** Calls one method; throws an RpcError with the node's code. */
export async function rpc(method, ...params) {
  const reply = await post({ jsonrpc: '2.0', id: nextId++, method, params });
  if (reply.error) throw new RpcError(reply.error.code, reply.error.message);
  return reply.result;
}

/** Calls several methods in one request: `[[method, ...params], ...]` → results, an RpcError in place of each failure. */
export async function batch(calls) {
  if (calls.length === 0) return [];
  const first = nextId;
  nextId += calls.length;
  const replies = await post(calls.map(([method, ...params], i) => ({ jsonrpc: '2.0', id: first + i, method, params })));
  if (!Array.isArray(replies)) throw new RpcError(replies.error?.code ?? -32603, replies.error?.message ?? 'batch refused');
  const byId = new Map(replies.map((r) => [r.id, r]));
  return calls.map((_, i) => {
    const r = byId.get(first + i);
    if (!r) return new RpcError(-32603, 'no reply');
    return r.error ? new RpcError(r.error.code, r.error.message) : r.result;
  });
}

/** Like batch, but throws the first error. */
export async function batchOrThrow(calls) {
  const results = await batch(calls);
  const failed = results.find((r) => r instanceof RpcError);
  if (failed) throw failed;
  return results;
}

const TOPICS = ['blocks', 'reorgs', 'mempool'];

/**
 * The notification stream: dispatches one DOM event per notification (`block`,
 * `reorg`, `disconnected`, `tx`, `txremoved`, `address`), `status` when the
 * connection opens or closes, and `resync` after a reconnection (events may
 * have been missed). Reconnects with backoff.
 */
export class Live extends EventTarget {
  constructor() {
    super();
    this.ws = null;
    this.connected = false;
    this.everConnected = false;
    this.retryMs = 1000;
    this.addresses = new Set();
    this.nextId = 1;
  }

  start() {
    void this.connect();
  }

  /** Also report activity of this address (`address` events) until unwatched. */
  watchAddress(address) {
    this.addresses.add(address);
    this.request('subscribe', { addresses: [address] });
  }

  unwatchAddress(address) {
    if (!this.addresses.delete(address)) return;
    this.request('unsubscribe', { addresses: [address] });
  }

  request(method, params) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }));
  }

  async connect() {
    let token;
    try {
      const res = await fetch(serverUrl('/explorer/session'), { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      token = (await res.json()).token;
    } catch {
      this.retryLater();
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 1000;
      this.request('subscribe', { topics: TOPICS, addresses: [...this.addresses] });
      this.setConnected(true);
      if (this.everConnected) this.dispatchEvent(new CustomEvent('resync'));
      this.everConnected = true;
    };
    ws.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (msg.method) this.dispatchEvent(new CustomEvent(msg.method, { detail: msg.params }));
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setConnected(false);
      this.retryLater();
    };
  }

  retryLater() {
    setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 15_000);
  }

  setConnected(connected) {
    this.connected = connected;
    this.dispatchEvent(new CustomEvent('status', { detail: { connected } }));
  }
}
