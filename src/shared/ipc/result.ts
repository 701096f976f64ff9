/**
 * Result: how every IPC/WebSocket handler answers. `invoke` drops error details across the
 * Electron boundary, so expected failures travel as values with a stable code and a message a
 * person can act on (`MAX_NOTIONAL_EXCEEDED: 12000 > 10000 USD`).
 */
export interface IpcError {
  /** Stable code: a risk deny reason, or one of the host codes below. */
  readonly code: string;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/** Host-level error codes (risk denials use the risk gate's own reason codes). */
export const HostErrorCodes = {
  invalidArgument: 'INVALID_ARGUMENT',
  unknownChannel: 'UNKNOWN_CHANNEL',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  notSupported: 'NOT_SUPPORTED',
  rejected: 'REJECTED',
  internal: 'INTERNAL_ERROR',
  disconnected: 'DISCONNECTED',
} as const;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Unwraps a result or throws an Error whose message carries the code. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new Error(`${r.error.code}: ${r.error.message}`);
}
