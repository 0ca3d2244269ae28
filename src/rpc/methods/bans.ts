/**
 * Bans as Core's setban and listbanned show them, by peer id where Core takes
 * an IP address or subnet. The p2p service's peer manager keeps the bans.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { RPC, RpcError } from '../errors.js';
import type { P2P } from './peers.js';

export const DEFAULT_BAN_SECONDS = 24 * 60 * 60;

function checkPeerId(text: string): string {
  try {
    return peerIdFromString(text).toString();
  } catch {
    throw new RpcError(RPC.CLIENT_INVALID_IP_OR_SUBNET, `Error: Invalid peer id "${text}"`);
  }
}

export function setBan(p2p: P2P, now: number, target: string, command: string, bantime: number, absolute: boolean): null {
  const peer = checkPeerId(target);
  const bans = p2p.peerManager;
  if (command === 'remove') {
    if (!bans.unban(peer)) throw new RpcError(RPC.CLIENT_INVALID_IP_OR_SUBNET, 'Error: Unban failed. Requested peer was not previously manually banned.');
    return null;
  }
  if (bans.isBanned(peer)) throw new RpcError(RPC.CLIENT_NODE_ALREADY_ADDED, 'Error: Peer already banned');
  const seconds = absolute ? bantime - now : bantime === 0 ? DEFAULT_BAN_SECONDS : bantime;
  if (seconds <= 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Error: Absolute timestamp is in the past');
  // The peer manager disconnects a banned peer at once, as Core does.
  bans.ban(peer, seconds, 'manually added');
  return null;
}

export function listBanned(p2p: P2P, now: number): Record<string, unknown>[] {
  return p2p.peerManager.listBans().map((b) => ({
    address: b.peer,
    ban_created: b.bannedAt,
    banned_until: b.until,
    ban_duration: b.until - b.bannedAt,
    time_remaining: Math.max(0, b.until - now),
    reason: b.reason,
  }));
}
