import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { freePort } from './ports.js'
import { startServer } from './processes.js'

describe('startServer', () => {
  it('refuses a port whose /health is answered by another server, instead of measuring that one', async () => {
    const port = await freePort()
    const other = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ status: 'ok', app: 'stateless', instance: 'someone-else' }))
    })
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve))
    try {
      await expect(startServer({ kind: 'stateless', port, label: 'mine' })).rejects.toThrow(
        /port \d+ is held by another server \(\/health answered as instance someone-else, not mine\)/,
      )
    } finally {
      await new Promise((r) => other.close(r))
    }
  })

  it('starts when /health answers as its own instance', async () => {
    const srv = await startServer({ kind: 'stateless', label: 'processes-test' })
    try {
      const body = (await (await fetch(`${srv.url}/health`)).json()) as { instance: string }
      expect(body.instance).toBe('processes-test')
      expect(srv.running).toBe(true)
    } finally {
      await srv.stop()
    }
  })
})
