import { existsSync, readFileSync } from 'node:fs'
import { readJsonObject } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { ChildServers } from '../children.js'
import type { InstanceId } from '../config.js'
import { RESTART_KNOBS } from '../config.js'
import type { Inspector } from '../inspect.js'
import type { Pocket, PocketRequest, Slot } from '../pocket.js'
import { refusedByFetch } from '../proxy.js'

/**
 * /lab/api/*: lab-only endpoints the page uses to show what the servers hold and to drive the experiments.
 * Loopback-only like the whole lab (it reads every user's rows): never part of the apps themselves.
 * Every bad input is a 4xx JSON `{error, message}`, like the apps.
 */
export interface LabApiDeps {
  children: ChildServers
  inspector: Inspector
  pocket: Pocket
  /** reports/e2e/multi-tab-race.json (written by the e2e suite), shown on the page when present. */
  raceReportPath: string
  clock: () => number
}

const SLOTS: readonly Slot[] = ['thief', 'device-b']
const METHODS = new Set(['GET', 'POST', 'DELETE'])
const SAFE_PATH = /^\/[A-Za-z0-9/_.-]*$/

function bad(message: string, code = 'invalid_request') {
  return { error: code, message }
}

export function mountLabApi(app: Hono, deps: LabApiDeps): void {
  const { children, inspector, pocket } = deps

  app.get('/lab/api/instances', (c) => c.json({ instances: children.status(), now: deps.clock() }))

  // One restart per instance at a time: a second one while the first runs answered 500 (found in review).
  const restarting = new Set<InstanceId>()
  app.post('/lab/api/instances/:id/restart', async (c) => {
    const spec = children.spec(c.req.param('id'))
    if (!spec) return c.json(bad('no such instance', 'not_found'), 404)
    const body = (await readJsonObject(c)) as { env?: unknown }
    if (
      body.env !== undefined &&
      (typeof body.env !== 'object' || body.env === null || Array.isArray(body.env))
    )
      return c.json(bad('{env: {KNOB: "value"}} expected'), 400)
    const env: Record<string, string> = {}
    const knobs = RESTART_KNOBS[spec.app]
    for (const [k, v] of Object.entries((body.env ?? {}) as Record<string, unknown>)) {
      // Own keys only: `constructor` or `__proto__` found Object.prototype's and answered 500 (found in review).
      const allowed = Object.hasOwn(knobs, k) ? knobs[k] : undefined
      if (!allowed || typeof v !== 'string' || !allowed.includes(v)) {
        return c.json(bad(`${k}=${String(v)} is not a knob of the ${spec.app} app in the lab`), 400)
      }
      env[k] = v
    }
    if (restarting.has(spec.id))
      return c.json(bad(`${spec.id} is already restarting; try again`, 'conflict'), 409, {
        'Retry-After': '1',
      })
    restarting.add(spec.id)
    try {
      await children.restart(spec.id, env)
    } finally {
      restarting.delete(spec.id)
    }
    return c.json({ instance: children.status().find((s) => s.id === spec.id) })
  })

  app.get('/lab/api/state/:id', (c) => {
    const spec = children.spec(c.req.param('id'))
    if (!spec) return c.json(bad('no such instance', 'not_found'), 404)
    const username = c.req.query('user') ?? ''
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(username)) return c.json(bad('?user= must be a username'), 400)
    const now = deps.clock()
    const user = inspector.user(username)
    const status = children.status().find((s) => s.id === spec.id)
    if (!user) return c.json({ now, instance: status, user: null })
    if (spec.app === 'stateful') {
      const memory = status?.env.SESSION_STORE === 'memory'
      return c.json({
        now,
        instance: status,
        user,
        store: memory ? 'memory' : 'sqlite',
        sessions: memory ? [] : inspector.sessions(user.id),
      })
    }
    const families = inspector.families(user.id)
    return c.json({
      now,
      instance: status,
      user,
      families,
      denylist: inspector.denylist(
        families.map((f) => f.id),
        now,
      ),
      keys: inspector.keys(),
    })
  })

  app.get('/lab/api/pocket/:id/:slot', (c) => {
    const spec = children.spec(c.req.param('id'))
    const slot = c.req.param('slot') as Slot
    if (!spec || !SLOTS.includes(slot)) return c.json(bad('no such pocket', 'not_found'), 404)
    return c.json(pocket.describe(spec.id, slot))
  })

  app.delete('/lab/api/pocket/:id/:slot', (c) => {
    const spec = children.spec(c.req.param('id'))
    const slot = c.req.param('slot') as Slot
    if (!spec || !SLOTS.includes(slot)) return c.json(bad('no such pocket', 'not_found'), 404)
    pocket.clear(spec.id, slot)
    return c.body(null, 204)
  })

  /** The page hands the thief an access token it holds (what an XSS could exfiltrate), or the pocket sends a request. */
  app.post('/lab/api/pocket/:id/:slot/token', async (c) => {
    const spec = children.spec(c.req.param('id'))
    const slot = c.req.param('slot') as Slot
    if (!spec || !SLOTS.includes(slot)) return c.json(bad('no such pocket', 'not_found'), 404)
    const body = (await readJsonObject(c)) as { access_token?: unknown }
    // Visible ASCII only: a token with a newline or a non-Latin-1 character was stored, then failed every later
    // pocket request as "not answering" (found in review). No JWT or opaque token we issue has anything else.
    if (
      typeof body.access_token !== 'string' ||
      body.access_token.length > 8192 ||
      !/^[\x21-\x7e]+$/.test(body.access_token)
    ) {
      return c.json(bad('{access_token} expected'), 400)
    }
    pocket.put(spec.id, slot, { accessToken: body.access_token })
    return c.json(pocket.describe(spec.id, slot))
  })

  app.post('/lab/api/pocket/:id/:slot/request', async (c) => {
    const spec = children.spec(c.req.param('id'))
    const slot = c.req.param('slot') as Slot
    if (!spec || !SLOTS.includes(slot)) return c.json(bad('no such pocket', 'not_found'), 404)
    const req = (await readJsonObject(c)) as unknown as PocketRequest
    if (
      !METHODS.has(req.method) ||
      typeof req.path !== 'string' ||
      !SAFE_PATH.test(req.path) ||
      req.path.includes('..') ||
      req.path.includes('//') ||
      (req.method === 'GET' && req.json !== undefined) // a GET carries no body (fetch refuses it)
    ) {
      return c.json(bad('{method: GET|POST|DELETE, path: "/..."} expected (no json with GET)'), 400)
    }
    try {
      return c.json(await pocket.send(spec, slot, req))
    } catch (err) {
      if (refusedByFetch(err)) return c.json(bad('the pocket cannot send this request'), 400)
      return c.json(bad(`the ${spec.id} server is not answering`, 'service_unavailable'), 503)
    }
  })

  app.get('/lab/api/race', (c) => {
    if (!existsSync(deps.raceReportPath)) return c.json({ available: false })
    try {
      return c.json({ available: true, report: JSON.parse(readFileSync(deps.raceReportPath, 'utf8')) })
    } catch {
      return c.json({ available: false })
    }
  })
}

export type { InstanceId }
