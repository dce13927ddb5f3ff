import { createApp, openStatefulDeps, readConfig } from './src/index.js'

for (const store of ['sqlite', 'memory']) {
  const deps = openStatefulDeps(
    readConfig({
      DB_PATH: `/tmp/sf-bench/${store}.db`,
      ARGON2_MEMORY_KIB: '256',
      ARGON2_TIME_COST: '1',
      SESSION_STORE: store,
    }),
  )
  if (!deps.users.findByUsername('alice'))
    await deps.users.create({ username: 'alice', password: 'alice-password' })
  const app = createApp(deps)
  const login = await app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
  })
  const sid = login.headers.getSetCookie().at(-1)!.split(';')[0]!
  const run = async (path: string, headers: Record<string, string>, n: number) => {
    let dur = 0
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) {
      const r = await app.request(path, { headers })
      await r.text()
      dur += Number(/dur=([\d.]+)/.exec(r.headers.get('server-timing') ?? '')?.[1] ?? 0)
    }
    return { usPerReq: Number(process.hrtime.bigint() - t0) / 1e3 / n, authUs: (dur / n) * 1000 }
  }
  for (let round = 0; round < 2; round++) {
    await run('/me', { cookie: sid }, 2000)
    await run('/public', {}, 2000)
  }
  const w0 = deps.metrics.store.get('write', 'sessions')
  const r0 = deps.metrics.store.get('read')
  const me = await run('/me', { cookie: sid }, 20000)
  const reads = deps.metrics.store.get('read') - r0
  const writes = deps.metrics.store.get('write', 'sessions') - w0
  const pub = await run('/public', {}, 20000)
  console.log(store, { me, pub, readsPerMe: reads / 20000, writesPerMe: writes / 20000 })
  deps.close()
}
