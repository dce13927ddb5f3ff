import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import { migrate } from '../db/migrate.js'
import type { Db } from '../db/open-database.js'
import { openDatabase } from '../db/open-database.js'
import type { Reservation } from './login-throttle.js'
import { SqliteLoginThrottle, throttleMigrations } from './sqlite-login-throttle.js'

const opts = { maxFailuresPerUser: 5, maxFailuresPerIp: 20, windowSeconds: 900 }
const dirs: string[] = []
const dbs: Db[] = []
afterEach(() => {
  for (const db of dbs.splice(0)) db.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** `n` connections to one file: what `n` processes on the shared database see. */
function shared(n: number, clock = manualClock()) {
  const dir = mkdtempSync(join(tmpdir(), 'auth-lab-throttle-'))
  dirs.push(dir)
  return Array.from({ length: n }, () => {
    const db = openDatabase(join(dir, 'auth-lab.db'))
    dbs.push(db)
    migrate(db, 'throttle', throttleMigrations)
    return new SqliteLoginThrottle(db, opts, clock)
  })
}

const take = (r: ReturnType<SqliteLoginThrottle['reserve']>): Reservation => {
  if (!r.allowed) throw new Error('refused')
  return r.reservation
}

describe('SqliteLoginThrottle: the rules of LoginThrottle, in the shared file', () => {
  it('blocks an account after 5 failures whatever the address, until they age out', () => {
    const clock = manualClock()
    const [t] = shared(1, clock)
    for (let i = 0; i < 5; i++) {
      take(t!.reserve('alice', `10.0.0.${i}`)).failure()
      clock.advance(1000)
    }
    const v = t!.reserve('alice', '10.9.9.9')
    expect(v.allowed).toBe(false)
    if (!v.allowed) expect(v.retryAfterSeconds).toBe(900 - 5)
    expect(t!.reserve('bob', '10.9.9.9').allowed).toBe(true)
    clock.advance(896_000) // the first failure leaves the window
    expect(t!.reserve('alice', '10.9.9.9').allowed).toBe(true)
  })

  it('a success clears the account counter; one address spraying names is limited too', () => {
    const [t] = shared(1)
    for (let i = 0; i < 4; i++) take(t!.reserve('alice', 'ip')).failure()
    take(t!.reserve('alice', 'ip')).success()
    for (let i = 0; i < 4; i++) take(t!.reserve('alice', 'ip2')).failure()
    expect(t!.reserve('alice', 'ip3').allowed).toBe(true)
    for (let i = 0; i < 20; i++) {
      const r = t!.reserve(`user${i}`, '192.0.2.1')
      if (r.allowed) r.reservation.failure()
    }
    expect(t!.reserve('fresh-user', '192.0.2.1').allowed).toBe(false)
    expect(t!.reserve('fresh-user', '192.0.2.2').allowed).toBe(true)
  })

  it('counts attempts in flight, settles once, and releases', () => {
    const [t] = shared(1)
    const held = Array.from({ length: 5 }, (_, i) => take(t!.reserve('alice', `10.0.0.${i}`)))
    const sixth = t!.reserve('alice', '10.0.0.99')
    expect(sixth.allowed).toBe(false)
    if (!sixth.allowed) expect(sixth.retryAfterSeconds).toBe(1)
    expect(t!.pending('alice', '10.0.0.0')).toEqual({ user: 5, ip: 1 })
    held[0]!.release()
    held[0]!.failure() // settled already: not counted
    for (const r of held.slice(1)) r.failure()
    expect(t!.pending('alice', '10.0.0.0')).toEqual({ user: 0, ip: 0 })
    expect(t!.reserve('alice', 'x').allowed).toBe(true) // 4 failures on record, not 5
  })

  it('holds across connections to one file: 5 guesses per account, not 5 per process (review finding)', () => {
    const three = shared(3) // the three servers `pnpm start` runs on one file
    let checked = 0
    for (let i = 0; i < 30; i++) {
      const r = three[i % 3]!.reserve('alice', `10.1.0.${i}`)
      if (r.allowed) {
        checked++
        r.reservation.failure()
      }
    }
    expect(checked).toBe(5)
    // In flight, across connections: reservations held on two connections fill the third's budget.
    const [a, b, c] = shared(3)
    const held = [take(a!.reserve('bob', 'i1')), take(b!.reserve('bob', 'i2')), take(a!.reserve('bob', 'i3'))]
    held.push(take(b!.reserve('bob', 'i4')), take(c!.reserve('bob', 'i5')))
    expect(c!.reserve('bob', 'i6').allowed).toBe(false)
    for (const r of held) r.release()
    expect(c!.reserve('bob', 'i6').allowed).toBe(true)
  })

  it('a failure counts even when its lease ran out first (a hash queue held it past 30 s; review finding)', async () => {
    const clock = manualClock()
    const [t] = shared(1, clock)
    let checked = 0
    for (let wave = 0; wave < 6; wave++) {
      const held: Reservation[] = []
      for (let i = 0; i < 5; i++) {
        const r = t!.reserve('alice', `10.2.${wave}.${i}`)
        if (r.allowed) held.push(r.reservation)
      }
      clock.advance(31_000) // the leases end while the attempts are still hashing
      await t!.purge()
      for (const r of held) {
        checked++
        r.failure()
      }
    }
    expect(checked).toBe(5) // the first wave's five failures were recorded: every later attempt refused
  })

  it('purges a backlog in batches through the expiry index (session 11), keeping rows still in the window', async () => {
    const clock = manualClock()
    const [t] = shared(1, clock)
    const db = dbs.at(-1)!
    const insert = db.prepare(
      "INSERT INTO login_throttle (dim, key, kind, at, id) VALUES ('i', ?, ?, ?, 'x')",
    )
    const now = clock()
    db.transaction(() => {
      for (let i = 0; i < 1100; i++) insert.run(Buffer.from(`k${i}`), 0, now - 901_000) // failures out of the window
      for (let i = 0; i < 600; i++) insert.run(Buffer.from(`l${i}`), 1, now - 1) // leases past their end
      for (let i = 0; i < 50; i++) insert.run(Buffer.from(`m${i}`), 0, now - 1000) // failures still counting
    })()
    const plan = (
      db
        .prepare('EXPLAIN QUERY PLAN SELECT rowid FROM login_throttle WHERE kind = ? AND at <= ? LIMIT ?')
        .all(0, now, 500) as { detail: string }[]
    )
      .map((p) => p.detail)
      .join('\n')
    expect(plan).toMatch(/INDEX login_throttle_expiry/)
    expect(await t!.purge()).toBe(1700)
    expect(db.prepare('SELECT COUNT(*) FROM login_throttle').pluck().get()).toBe(50)
  })

  it('purges failures out of the window and leases past their end', async () => {
    const clock = manualClock()
    const [t] = shared(1, clock)
    take(t!.reserve('alice', 'ip')).failure()
    take(t!.reserve('carol', 'ip')) // never settled: its process died
    expect(await t!.purge()).toBe(0)
    clock.advance(901_000)
    expect(await t!.purge()).toBe(4) // alice's failure (account + address rows) and carol's dead lease (two rows)
    expect(t!.pending('carol', 'ip')).toEqual({ user: 0, ip: 0 })
  })
})
