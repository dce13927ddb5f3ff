import { describe, expect, it } from 'vitest'
import { OWASP_MINIMUM, PasswordHasher, TEST_COST } from './password.js'

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(TEST_COST)

  it('hashes with argon2id and verifies exactly (no truncation, no case folding)', async () => {
    const pw = `${'x'.repeat(72)}-tail-that-bcrypt-would-drop`
    const h = await hasher.hash(pw)
    expect(h.startsWith('$argon2id$')).toBe(true)
    expect(await hasher.verify(h, pw)).toBe(true)
    expect(await hasher.verify(h, pw.slice(0, 72))).toBe(false)
    expect(await hasher.verify(h, pw.toUpperCase())).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hasher.hash('same-password')).not.toBe(await hasher.hash('same-password'))
  })

  it('never authenticates against a malformed hash or the dummy', async () => {
    expect(await hasher.verify('not-a-hash', 'whatever1')).toBe(false)
    expect(await hasher.verifyDummy('whatever1')).toBe(false)
  })

  it('records its cost in the hash (OWASP minimum by default)', async () => {
    const h = await new PasswordHasher().hash('password-1')
    expect(h).toContain(
      `m=${OWASP_MINIMUM.memoryCost},t=${OWASP_MINIMUM.timeCost},p=${OWASP_MINIMUM.parallelism}`,
    )
  })
})
