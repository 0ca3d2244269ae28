/**
 * Network groups, as Bitcoin Core's netgroups (netgroup.cpp): peers whose
 * addresses share an IPv4 /16 or an IPv6 /32 are likely run by one operator,
 * so the connection manager counts them as one group when it chooses whom to
 * dial or keep. Loopback and private ranges are where test networks and
 * devnets live, so there each address (ip and port) is its own group.
 */

/** The IP, the port and the protocol of a multiaddr string, when it has them. */
export interface IpAddress {
  family: 4 | 6;
  ip: string;
  port: string;
}

/** `/ip4/1.2.3.4/tcp/5/...` → its address; undefined for DNS, circuits and other transports. */
export function ipAddressOf(addr: string): IpAddress | undefined {
  const parts = addr.split('/');
  const proto = parts[1];
  if ((proto !== 'ip4' && proto !== 'ip6') || parts[3] !== 'tcp' || parts[2] === undefined || parts[4] === undefined) return undefined;
  return { family: proto === 'ip4' ? 4 : 6, ip: parts[2], port: parts[4] };
}

function ipv4Octets(ip: string): number[] | undefined {
  const octets = ip.split('.').map(Number);
  return octets.length === 4 && octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255) ? octets : undefined;
}

/** RFC 1918, loopback, link-local, CGNAT (RFC 6598) and the unspecified range. */
function ipv4IsLocal([a, b]: number[]): boolean {
  return a === 10 || a === 127 || a === 0 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b! >= 64 && b! <= 127);
}

/** The eight 16-bit words of an IPv6 address (`::` expanded, an embedded IPv4 tail converted); undefined if malformed. */
export function ipv6Words(ip: string): number[] | undefined {
  const [head, tail, extra] = ip.toLowerCase().split('::');
  if (extra !== undefined) return undefined;
  const words = (s: string | undefined): number[] | undefined => {
    if (!s) return [];
    const out: number[] = [];
    for (const part of s.split(':')) {
      const v4 = part.includes('.') ? ipv4Octets(part) : undefined;
      if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      else if (/^[0-9a-f]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const h = words(head);
  const t = words(tail);
  if (!h || !t) return undefined;
  if (tail === undefined) return h.length === 8 ? h : undefined;
  const fill = 8 - h.length - t.length;
  return fill >= 1 ? [...h, ...new Array<number>(fill).fill(0), ...t] : undefined;
}

/** Loopback, unspecified, link-local (fe80::/10) and unique local (fc00::/7). */
function ipv6IsLocal(w: number[]): boolean {
  const zeroHead = w.slice(0, 7).every((x) => x === 0);
  return (zeroHead && (w[7] === 0 || w[7] === 1)) || (w[0]! & 0xffc0) === 0xfe80 || (w[0]! & 0xfe00) === 0xfc00;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 octets. */
function mappedIpv4(w: number[]): number[] | undefined {
  if (!w.slice(0, 5).every((x) => x === 0) || w[5] !== 0xffff) return undefined;
  return [w[6]! >> 8, w[6]! & 0xff, w[7]! >> 8, w[7]! & 0xff];
}

function ipv4Group(octets: number[], ip: string, port: string): string {
  return ipv4IsLocal(octets) ? `local:${ip}:${port}` : `ip4:${octets[0]}.${octets[1]}`;
}

/** Whether the address is on loopback, a private range or link-local (where each address is its own group). */
export function isLocalAddress(addr: string): boolean {
  return netGroup(addr).startsWith('local:');
}

/** Whether the address is a loopback one (127/8 or ::1). */
export function isLoopbackAddress(addr: string): boolean {
  const a = ipAddressOf(addr);
  if (!a) return false;
  if (a.family === 4) return ipv4Octets(a.ip)?.[0] === 127;
  const w = ipv6Words(a.ip);
  return w !== undefined && w.slice(0, 7).every((x) => x === 0) && w[7] === 1;
}

/**
 * The group of a peer's address: `ip4:<a.b>` for a public IPv4 address (its /16),
 * `ip6:<w0>:<w1>` for a public IPv6 address (its /32), `local:<ip>:<port>` on
 * loopback and private ranges (each its own group), `dns:<name>` for a DNS name,
 * and the address itself for anything else.
 */
export function netGroup(addr: string): string {
  const a = ipAddressOf(addr);
  if (!a) {
    const parts = addr.split('/');
    return parts[1]?.startsWith('dns') ? `dns:${parts[2] ?? ''}` : `other:${addr}`;
  }
  if (a.family === 4) {
    const octets = ipv4Octets(a.ip);
    return octets ? ipv4Group(octets, a.ip, a.port) : `other:${addr}`;
  }
  const w = ipv6Words(a.ip);
  if (!w) return `other:${addr}`;
  const v4 = mappedIpv4(w);
  if (v4) return ipv4Group(v4, v4.join('.'), a.port);
  if (ipv6IsLocal(w)) return `local:[${a.ip}]:${a.port}`;
  return `ip6:${w[0]!.toString(16)}:${w[1]!.toString(16)}`;
}
