/** Milliseconds since the epoch. Injected everywhere time matters so expiry tests freeze it instead of sleeping. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

/** A clock for tests: starts at `start` and only moves when told. */
export function manualClock(
  start = Date.UTC(2026, 0, 1),
): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start
  const clock = (() => now) as Clock & { advance(ms: number): void; set(ms: number): void }
  clock.advance = (ms) => {
    now += ms
  }
  clock.set = (ms) => {
    now = ms
  }
  return clock
}

/** The one time format of API bodies: an ISO-8601 UTC string for epoch milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}
