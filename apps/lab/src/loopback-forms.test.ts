/** Review X2: the lab's loopback check and raw-path match, attacked; these HELD (see /tmp/notes/review-X2.md). */
import { describe, expect, it } from 'vitest'
import { isLoopback } from './app.js'
import { findInstance } from './proxy.js'

describe('lab: loopback peers and the raw proxy path (session 11 review X2)', () => {
  it('accepts the forms Node reports for loopback peers, refuses the rest', () => {
    for (const ip of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(ip), ip).toBe(true)
    // Node never reports these for a socket (it prints canonical forms), and none is a loopback peer anyway.
    for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1%lo', '::', '0.0.0.0', '1127.0.0.1', '::2'])
      expect(isLoopback(ip), ip).toBe(false)
  })

  it('the raw pathname (WHATWG-normalised) never yields a rest that is not "" or "/…"', () => {
    const specs = [
      { prefix: '/stateless-none', port: 3003 },
      { prefix: '/stateless', port: 3002 },
      { prefix: '/stateful', port: 3001 },
    ] as never[]
    const targets = [
      '/stateless-non%65/x',
      '/stateless-none%2Fme',
      '/stateless-none%2fme',
      '/stateless-non%2565',
      '/Stateless-none/x',
      '/stateless-none./x',
      '/stateless-none/%2e%2e/stateful/x',
      '/stateless-none/..%2f..',
      '/stateless-none\\@evil/x',
      '//stateless-none/x',
      '/stateless-none//evil.example/x',
      '/stateless-none?x',
    ]
    for (const t of targets) {
      const url = new URL(`http://localhost:3000${t}`)
      const spec = findInstance(specs, url.pathname) as { prefix: string; port: number } | undefined
      if (!spec) continue
      const rest = url.pathname.slice(spec.prefix.length) || '/'
      expect(rest.startsWith('/'), t).toBe(true)
      expect(new URL(`http://127.0.0.1:${spec.port}${rest}`).host, t).toBe(`127.0.0.1:${spec.port}`)
    }
  })
})
