import type { Clock } from '@auth-lab/shared'

/**
 * Session lifetime rules, enforced on the server from the injected clock (never from the cookie):
 * - idle timeout: a session not seen for `idleTtlMs` is over (`expires_at`);
 * - absolute timeout: a session older than `absoluteTtlMs` is over whatever its activity (`absolute_expires_at`);
 * - sliding expiry is written at most once per `touchIntervalMs` per session. That interval is
 *   min(SESSION_TOUCH_INTERVAL (60 s), idle / 2): once a minute with the default 30-minute idle window, and twice
 *   per window when the window is shorter than two minutes (so a 3 s test window still slides). A read-only
 *   request inside the interval therefore costs one store read and zero writes; the price is that the idle clock
 *   may start up to one interval before the last request (the session ends between idle − interval and idle
 *   after it).
 */
export interface SessionPolicy {
  clock: Clock
  idleTtlMs: number
  absoluteTtlMs: number
  touchIntervalMs: number
}

export function sessionPolicy(opts: {
  clock: Clock
  idleTtlSeconds: number
  absoluteTtlSeconds: number
  touchIntervalSeconds: number
}): SessionPolicy {
  const idleTtlMs = opts.idleTtlSeconds * 1000
  return {
    clock: opts.clock,
    idleTtlMs,
    absoluteTtlMs: opts.absoluteTtlSeconds * 1000,
    touchIntervalMs: Math.min(opts.touchIntervalSeconds * 1000, Math.floor(idleTtlMs / 2)),
  }
}
