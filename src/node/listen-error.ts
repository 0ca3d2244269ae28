/**
 * A server of the node (P2P, JSON-RPC, metrics) that cannot listen. The
 * operator gets one line that names the service, the address and the option
 * that changes it, whatever library refused the address.
 */
import { TallyError } from '../primitives/errors.js';

/** Stable codes of {@link ListenError}. */
export const LISTEN_ERROR_CODES = ['port-in-use', 'listen-failed'] as const;
export type ListenErrorCode = typeof LISTEN_ERROR_CODES[number];

/** A server could not listen. Codes: `port-in-use`, `listen-failed`. */
export class ListenError extends TallyError<ListenErrorCode> {}

/** What failed to listen: `service` as the operator knows it, `option` that chooses another address. */
export interface ListenTarget {
  service: string;
  address: string;
  option: string;
}

/** Why the OS refused, from its error code (EADDRINUSE, ...). */
function reason(errno: string | undefined, fallback: string): string {
  if (errno === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (errno === 'EADDRNOTAVAIL') return 'no interface of this machine has that address';
  return fallback;
}

/** The coded one-line error for a failure to listen on `target`; `errno` is the OS code when known. */
export function listenError(target: ListenTarget, errno: string | undefined, detail: string): ListenError {
  const { service, address, option } = target;
  if (errno === 'EADDRINUSE') {
    return new ListenError('port-in-use', `the ${service} address ${address} is in use by another program (another node?): stop it, or choose another with ${option}`);
  }
  return new ListenError('listen-failed', `the ${service} server cannot listen on ${address}: ${reason(errno, detail)}; choose another with ${option}`);
}

/** For a node:net `listen` failure: the error as a ListenError. */
export function netListenError(target: ListenTarget, err: unknown): ListenError {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  return listenError(target, errno, (err as Error | undefined)?.message ?? String(err));
}

/** `host:port` as a URL writes it (`[::1]:28443`). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
