/**
 * A bound on argon2 work per process (issue 10, F1). Every hash and verify runs through `run`: at most
 * `maxActive` at once, up to `maxQueued` more wait in order, and anything beyond is refused at once with
 * `HashQueueFullError` (the HTTP edge answers 503 `service_unavailable` with `Retry-After`).
 *
 * Why: each argon2id computation holds its memory cost (19 MiB at the default) for its whole run, and
 * @node-rs/argon2 runs on libuv's thread pool, which file and DNS work share. Without a bound a login flood queues
 * thousands of hashes: memory and latency grow without limit and every login — including real users' — times out.
 * With it, a flood costs at most `maxActive × memory cost` and excess requests get a fast, honest 503.
 */
export interface HashQueueOptions {
  /** Hashes computing at once. */
  maxActive: number
  /** Hashes waiting for a slot; one more is refused. */
  maxQueued: number
}

export class HashQueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many password hashes in progress')
    this.name = 'HashQueueFullError'
  }
}

export class HashQueue {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly opts: HashQueueOptions) {
    if (opts.maxActive < 1 || opts.maxQueued < 0) throw new RangeError('invalid hash queue limits')
  }

  /** Runs `fn` when a slot is free; throws HashQueueFullError without running it when the queue is full. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.opts.maxActive) {
      if (this.waiting.length >= this.opts.maxQueued) throw new HashQueueFullError(1)
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else {
      this.active++
    }
    try {
      return await fn()
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }

  /** Hashes computing and waiting now. */
  load(): { active: number; queued: number } {
    return { active: this.active, queued: this.waiting.length }
  }
}
