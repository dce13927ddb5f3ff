import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestLab, testLab } from '../test-lab.js'

/**
 * The lab API's input validation through `app.request()`: every bad input is a 4xx JSON `{error, message}`, never
 * a 500. No child server is started (the ports are unused), so a pocket request finds its instance down: 503.
 */
let lab: TestLab
let app: TestLab['app']

beforeAll(async () => {
  lab = await testLab({ users: true })
  app = lab.app
})

afterAll(() => lab.close())

const post = (path: string, body: string) =>
  app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await res.json()) as { error: string; message: string }
  expect(body.error).toBe(code)
  expect(typeof body.message).toBe('string')
}

describe('/lab/api/state: the inspection API', () => {
  it('refuses an unknown instance (404) and a missing or malformed ?user= (400)', async () => {
    await expectError(await app.request('/lab/api/state/nope?user=alice'), 404, 'not_found')
    await expectError(await app.request('/lab/api/state/stateful'), 400, 'invalid_request')
    for (const user of ['', 'a b', "x'--", 'a'.repeat(65), '%00'])
      await expectError(
        await app.request(`/lab/api/state/stateful?user=${encodeURIComponent(user)}`),
        400,
        'invalid_request',
      )
  })
  it('an unknown user is a 200 with user: null (not an error, not a 500)', async () => {
    const res = await app.request('/lab/api/state/stateful?user=nobody')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { user: unknown }).user).toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
  })
})

describe('/lab/api/pocket: the other party’s credentials', () => {
  it('refuses an unknown instance or slot (404)', async () => {
    await expectError(await app.request('/lab/api/pocket/nope/thief'), 404, 'not_found')
    await expectError(await app.request('/lab/api/pocket/stateful/burglar'), 404, 'not_found')
    await expectError(
      await app.request('/lab/api/pocket/stateful/burglar', { method: 'DELETE' }),
      404,
      'not_found',
    )
    await expectError(await post('/lab/api/pocket/stateful/burglar/request', '{}'), 404, 'not_found')
  })
  it('a token must be a string of bounded size (400)', async () => {
    for (const body of [
      'not json',
      '{}',
      '{"access_token": 42}',
      JSON.stringify({ access_token: 'x'.repeat(9000) }),
    ])
      await expectError(await post('/lab/api/pocket/stateless/thief/token', body), 400, 'invalid_request')
    const ok = await post('/lab/api/pocket/stateless/thief/token', '{"access_token":"abc"}')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ cookie: null, accessToken: { chars: 3 } })
  })
  it('a request needs a listed method and a plain same-instance path (400)', async () => {
    for (const body of [
      'not json',
      '{}',
      '{"method":"PUT","path":"/me"}',
      '{"method":"GET","path":"me"}',
      '{"method":"GET","path":"/../etc/passwd"}',
      '{"method":"GET","path":"//evil.example/x"}',
      '{"method":"GET","path":"/me?x=1"}',
      '{"method":"GET","path":42}',
    ])
      await expectError(await post('/lab/api/pocket/stateful/thief/request', body), 400, 'invalid_request')
  })
  it('a valid request to an instance that is not running is a 503, not a 500', async () => {
    await expectError(
      await post('/lab/api/pocket/stateful/thief/request', '{"method":"GET","path":"/me"}'),
      503,
      'service_unavailable',
    )
  })
})

describe('/lab/api/instances/:id/restart: only listed knobs', () => {
  it('refuses an unknown instance (404) and any env that is not a listed knob value (400)', async () => {
    await expectError(await post('/lab/api/instances/nope/restart', '{}'), 404, 'not_found')
    for (const env of [
      { NODE_OPTIONS: '--inspect' },
      { SESSION_STORE: 'redis://evil' },
      { SESSION_STORE: 1 },
      { REFRESH_GRACE: '10' }, // a stateless knob, not a stateful one
      // Object.prototype's names: found in review answering 500 (`allowed.includes is not a function`).
      JSON.parse('{"constructor": "x"}'),
      JSON.parse('{"__proto__": "x"}'),
      { toString: 'x' },
    ])
      await expectError(
        await post('/lab/api/instances/stateful/restart', JSON.stringify({ env })),
        400,
        'invalid_request',
      )
  })
})

describe('the lab API refuses cross-site state changes and non-JSON bodies (review findings)', () => {
  it.each([
    ['a foreign Origin', { Origin: 'https://evil.example', 'Content-Type': 'application/json' }, 403, 'csrf'],
    [
      'Sec-Fetch-Site: cross-site',
      { 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' },
      403,
      'csrf',
    ],
    [
      'a text/plain body (a form could send it without a preflight)',
      { 'Content-Type': 'text/plain' },
      415,
      'unsupported_media_type',
    ],
  ] as const)('%s: refused before anything runs', async (_label, headers, status, code) => {
    for (const [path, body] of [
      ['/lab/api/instances/stateful/restart', '{"env":{}}'],
      ['/lab/api/pocket/stateful/device-b/token', '{"access_token":"x"}'],
      ['/lab/api/pocket/stateful/device-b/request', '{"method":"POST","path":"/auth/login"}'],
    ] as const)
      await expectError(await app.request(path, { method: 'POST', headers, body }), status, code)
    // DELETE has no body: only the cross-site cases apply to it.
    if (status === 403)
      await expectError(
        await app.request('/lab/api/pocket/stateful/thief', { method: 'DELETE', headers }),
        403,
        'csrf',
      )
  })

  it('a body over 16 KiB is a 413, not read into memory', async () => {
    await expectError(
      await post(
        '/lab/api/pocket/stateful/device-b/token',
        JSON.stringify({ access_token: 'x'.repeat(20_000) }),
      ),
      413,
      'payload_too_large',
    )
  })

  it('the proxy refuses a body over its limit with 413 before contacting the instance', async () => {
    const res = await app.request('/stateful/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'x'.repeat(70_000),
    })
    await expectError(res, 413, 'payload_too_large')
  })
})

describe('client mistakes are 400s, not "the server is not running" (review findings)', () => {
  it('a pocket token must be visible ASCII; a pocket GET carries no JSON body', async () => {
    for (const token of ['a\nb', 'tök', 'a b'])
      await expectError(
        await post('/lab/api/pocket/stateful/device-b/token', JSON.stringify({ access_token: token })),
        400,
        'invalid_request',
      )
    await expectError(
      await post('/lab/api/pocket/stateful/device-b/request', '{"method":"GET","path":"/me","json":{}}'),
      400,
      'invalid_request',
    )
  })
})
