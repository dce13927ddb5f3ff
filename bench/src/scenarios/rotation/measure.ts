/**
 * Key rotation under load (issue 14, "Also measure"), the measuring half; report.ts builds the section.
 *
 * One server per asymmetric algorithm (RS256, ES256, EdDSA), KEY_RELOAD_INTERVAL=1, CLOCK_TOLERANCE=0. Users log in
 * (tokens signed by the first key); a second process verifies tokens from the server's JWKS only
 * (jwks-verifier.ts, `jose.createRemoteJWKSet`) and verifies one old token at once, so its key set is cached like a
 * long-running resource server's. Then, while autocannon loads GET /me with the old tokens, the real CLI
 * `keys rotate` writes a new current key into the key file. Every 100 ms a probe user refreshes (a token from the
 * server's current key) and both the new and an old token go to the JWKS verifier. Measured: non-2xx under load,
 * when the server signs with the new key, when the verifier first accepts a new-key token (and how many it refused
 * before), and whether the old tokens keep verifying until their exp and stop right after. All algorithms at once.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { decodeProtectedHeader } from 'jose'
import type { Credential, Outcome } from '../../lib/client.js'
import { authHeaders, loginUsers, meStatus, refresh } from '../../lib/client.js'
import { type ConfigId, pickApp } from '../../lib/configs.js'
import { LoadGenerator } from '../../lib/load.js'
import type { LoadResult } from '../../lib/load-types.js'
import type { ServerHandle } from '../../lib/processes.js'
import { sleep, startServer, tempDbPath } from '../../lib/processes.js'
import { startMany } from '../../lib/start-many.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'
import { tokenExpMs } from '../revocation/measure.js'
import { JwksVerifier, startRotator } from './helpers.js'

export const ROTATION_CONFIGS: readonly ConfigId[] = ['stateless-rs256', 'stateless-es256', 'stateless-eddsa']

export interface RotationSizes {
  configs: readonly ConfigId[]
  users: number
  connections: number
  accessTtlSec: number
  /** Seconds of load before `keys rotate` runs. */
  leadSec: number
  /** Seconds of load after the server signs with the new key. */
  tailSec: number
  /** The verifier's JWKS refetch cooldown; null = jose's default (30 s), what a resource server gets by default. */
  cooldownMs: number | null
}

export function rotationSizes(options: Pick<RunOptions, 'quick'>): RotationSizes {
  return options.quick
    ? {
        configs: ROTATION_CONFIGS,
        users: 8,
        connections: 4,
        accessTtlSec: 6,
        leadSec: 1,
        tailSec: 1,
        cooldownMs: 2000,
      }
    : {
        configs: ROTATION_CONFIGS,
        users: 32,
        connections: 8,
        accessTtlSec: 25,
        leadSec: 2,
        tailSec: 2,
        cooldownMs: null,
      }
}

const JOSE_DEFAULT_COOLDOWN_MS = 30_000

/** Start-up and the lead, then the longer of the old tokens' lifetime and the verifier's cooldown, plus the probes. */
export function rotationEstimateSec(s: RotationSizes): number {
  return 8 + s.leadSec + Math.max(s.accessTtlSec, (s.cooldownMs ?? JOSE_DEFAULT_COOLDOWN_MS) / 1000 + 1) + 1
}

export interface RotationRow {
  config: ConfigId
  alg: string
  oldKid: string
  newKid: string | null
  /** Exit code of `keys rotate`. */
  rotateExit: number | null
  load: Pick<LoadResult, 'responses' | 'ok2xx' | 'non2xx' | 'errors' | 'timeouts' | 'statusCounts'> & {
    durationSec: number
  }
  /** The load ran before and after the new key hit the disk (false: the machine was too slow to tell). */
  loadSpannedRotation: boolean
  /** ms from the end of `keys rotate` to the first token the server signed with the new key. */
  serverPickupMs: number | null
  /** ms from the end of `keys rotate` to the JWKS verifier's first acceptance of a new-key token. */
  verifierPickupMs: number | null
  /** New-key tokens the verifier refused before it accepted one, and the error code it gave. */
  verifierRefusals: number
  verifierRefusalCode: string | null
  /** An old token on the verifier after the rotation, before it expired: every check accepted? */
  oldOnVerifierOk: boolean
  /** GET /me with an old token just before its exp and just after. */
  oldBeforeExp: Outcome
  oldAfterExp: Outcome
  oldAfterExpOnVerifier: string | null
  /** Remaining lifetime, when the key was rotated, of the newest old-key token (the one probed before/after exp), ms. */
  oldRemainingMs: number | null
  cooldownMs: number
}

const kidOf = (token: string | undefined) => (token ? (decodeProtectedHeader(token).kid ?? '') : '')

async function oneAlg(
  server: ServerHandle,
  config: ConfigId,
  usernames: string[],
  s: RotationSizes,
): Promise<RotationRow> {
  const cooldownMs = s.cooldownMs ?? JOSE_DEFAULT_COOLDOWN_MS
  const [probeName, ...loadNames] = usernames
  // Both helper processes first (a tsx start takes seconds on a busy machine), then the logins: the old tokens'
  // lifetime starts at login and must outlast the load.
  const verifier = await JwksVerifier.start({
    JWKS_URL: `${server.url}/.well-known/jwks.json`,
    JWT_ALG: server.env.JWT_ALG ?? '',
    ...(s.cooldownMs === null ? {} : { JWKS_COOLDOWN_MS: String(s.cooldownMs) }),
  })
  const helpers = await Promise.allSettled([LoadGenerator.start(), startRotator(server)])
  if (helpers.some((h) => h.status === 'rejected')) {
    verifier.close()
    if (helpers[0].status === 'fulfilled') await helpers[0].value.close()
    if (helpers[1].status === 'fulfilled') helpers[1].value.kill()
    throw (helpers.find((h) => h.status === 'rejected') as PromiseRejectedResult).reason
  }
  const gen = (helpers[0] as PromiseFulfilledResult<LoadGenerator>).value
  const rotator = (helpers[1] as PromiseFulfilledResult<Awaited<ReturnType<typeof startRotator>>>).value
  try {
    let probe = (await loginUsers(server.url, 'stateless', [probeName as string]))[0] as Credential
    const oldKid = kidOf(probe.access)
    const first = await verifier.verify(probe.access ?? '')
    if (!first.ok)
      throw new Error(`rotation: the JWKS verifier refused a fresh ${config} token (${first.code})`)
    // The load's users log in last, so their tokens outlive the CLI's start-up; the load stops once the server signs
    // with the new key + tailSec (stopCurrent), and in any case before those tokens expire.
    const creds = await loginUsers(server.url, 'stateless', loadNames)
    const loadExp = tokenExpMs(creds[0]?.access) ?? Date.now()
    const loadStartedAt = Date.now()
    const load = gen.run({
      url: `${server.url}/me`,
      connections: s.connections,
      durationSec: Math.max(1, loadExp - Date.now() - 800) / 1000,
      credentials: creds.map((c) => authHeaders(c, '/me')),
    })
    await sleep(s.leadSec * 1000)
    const { exit: rotateExit, rotatedAt } = await rotator.go()
    let loadStopped = false
    let old = probe
    let newKid: string | null = null
    let serverPickupMs: number | null = null
    let verifierPickupMs: number | null = null
    let verifierRefusals = 0
    let verifierRefusalCode: string | null = null
    let oldOnVerifierOk = true
    const deadline = rotatedAt + cooldownMs + 8000
    while (verifierPickupMs === null && Date.now() < deadline) {
      probe = (await refresh(server.url, probe)).cred
      const kid = kidOf(probe.access)
      // The newest token signed with the old key: the one with the most lifetime left after the rotation.
      if (kid === oldKid) old = probe
      if (kid !== oldKid && serverPickupMs === null) {
        newKid = kid
        serverPickupMs = Math.round(Date.now() - rotatedAt)
        setTimeout(() => {
          loadStopped = true
          gen.stopCurrent()
        }, s.tailSec * 1000)
      }
      if (serverPickupMs !== null) {
        const v = await verifier.verify(probe.access ?? '')
        if (v.ok) verifierPickupMs = Math.round(Date.now() - rotatedAt)
        else {
          verifierRefusals++
          verifierRefusalCode = v.code
        }
      }
      const oldExp = tokenExpMs(old.access)
      if (oldExp !== null && Date.now() < oldExp - 300)
        oldOnVerifierOk &&= (await verifier.verify(old.access ?? '')).ok
      await sleep(100)
    }
    if (!loadStopped) gen.stopCurrent()
    const loaded = await load
    const loadSpannedRotation =
      loadStartedAt < rotatedAt && rotatedAt < loadStartedAt + loaded.durationSec * 1000
    const oldExp = tokenExpMs(old.access)
    // Old tokens: still good just before their exp, refused just after (CLOCK_TOLERANCE=0).
    let oldBeforeExp: Outcome = 'error'
    if (oldExp !== null && oldExp - Date.now() > 400) {
      await sleep(Math.max(0, oldExp - Date.now() - 400))
      oldBeforeExp = await meStatus(server.url, old)
    }
    if (oldExp !== null) await sleep(Math.max(0, oldExp - Date.now() + 300))
    const oldAfterExp = await meStatus(server.url, old)
    const after = await verifier.verify(old.access ?? '')
    return {
      config,
      alg: server.env.JWT_ALG ?? '',
      oldKid,
      newKid,
      rotateExit,
      load: {
        responses: loaded.responses,
        ok2xx: loaded.ok2xx,
        non2xx: loaded.non2xx,
        errors: loaded.errors,
        timeouts: loaded.timeouts,
        statusCounts: loaded.statusCounts,
        durationSec: loaded.durationSec,
      },
      loadSpannedRotation,
      serverPickupMs,
      verifierPickupMs,
      verifierRefusals,
      verifierRefusalCode,
      oldOnVerifierOk,
      oldBeforeExp,
      oldAfterExp,
      oldAfterExpOnVerifier: after.ok ? 'accepted' : after.code,
      oldRemainingMs: oldExp === null ? null : Math.round(oldExp - rotatedAt),
      cooldownMs,
    }
  } finally {
    verifier.close()
    rotator.kill()
    await gen.close()
  }
}

export async function measureRotation(
  s: RotationSizes,
  progress?: (line: string) => void,
): Promise<RotationRow[]> {
  const dbPaths = s.configs.map(() => tempDbPath('auth-lab-rotation-'))
  let handles: ServerHandle[] = []
  try {
    progress?.(
      `rotation: starting ${s.configs.join(', ')} (ACCESS_TTL=${s.accessTtlSec}s, KEY_RELOAD_INTERVAL=1)`,
    )
    const users = await Promise.all(dbPaths.map((p) => seedUsers(p, { count: s.users + 1, prefix: 'rot-' })))
    handles = await startMany(
      s.configs.map((id, i) => () => {
        const app = pickApp(id)
        return startServer({
          kind: app.kind,
          env: {
            ...app.env,
            ACCESS_TTL: String(s.accessTtlSec),
            CLOCK_TOLERANCE: '0',
            KEY_RELOAD_INTERVAL: '1',
          },
          dbPath: dbPaths[i] as string,
          label: `rotation-${id}`,
          healthTimeoutMs: 60_000,
        })
      }),
    )
    progress?.(
      `rotation: load on /me, keys rotate, JWKS verifier (cooldown ${(s.cooldownMs ?? JOSE_DEFAULT_COOLDOWN_MS) / 1000}s) until it accepts the new key`,
    )
    return await Promise.all(
      s.configs.map((id, i) => oneAlg(handles[i] as ServerHandle, id, users[i] as string[], s)),
    )
  } finally {
    await Promise.all(handles.map((h) => h.stop('SIGKILL')))
    for (const p of dbPaths) rmSync(dirname(p), { recursive: true, force: true })
  }
}
