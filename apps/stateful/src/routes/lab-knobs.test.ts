import { describe, expect, it } from 'vitest'
import { readConfig } from '../config.js'
import { PASSWORDS, testApp } from '../test-app.js'

/** SESSION_EXTRA_DATA_BYTES (the benchmark's size sweep): off by default; when on, only the server-side row grows. */
describe('lab knob SESSION_EXTRA_DATA_BYTES', () => {
  it('is off by default', () => {
    expect(readConfig({}).lab).toEqual({ extraSessionDataBytes: 0 })
    expect(() => readConfig({ SESSION_EXTRA_DATA_BYTES: 'x' })).toThrow(/SESSION_EXTRA_DATA_BYTES/)
  })

  it('pads the session row, not the cookie, and the session still works', async () => {
    const t = await testApp({ env: { SESSION_EXTRA_DATA_BYTES: '5000' } })
    const c = t.client()
    expect((await c.login('alice', PASSWORDS.alice)).status).toBe(200)
    expect(c.cookie?.length).toBe(43)
    expect((await c.request('/me')).status).toBe(200)
    const data = t.deps.db.prepare('SELECT data FROM sessions').pluck().get() as string
    expect((JSON.parse(data) as { pad: { value: string } }).pad.value.length).toBe(5000)
  })
})
