/** One `Set-Cookie` header, parsed: name, value and attributes (names lower-cased). */
export interface SetCookie {
  name: string
  value: string
  attrs: Map<string, string | true>
  raw: string
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';')
  const eq = pair.indexOf('=')
  const attrs = new Map<string, string | true>()
  for (const part of rest) {
    const i = part.indexOf('=')
    if (i === -1) attrs.set(part.trim().toLowerCase(), true)
    else attrs.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs, raw }
}

/** True when the cookie tells the browser to drop it (empty value with Max-Age=0 or a past Expires). */
export function isClearing(c: SetCookie): boolean {
  const maxAge = c.attrs.get('max-age')
  const expires = c.attrs.get('expires')
  const past = typeof expires === 'string' && Date.parse(expires) < Date.now()
  return maxAge === '0' || past
}

/**
 * A minimal browser-like jar: one value per cookie name, and when a response sets the same name twice the LAST one
 * wins (hono-sessions emits the old ID first and the rotated one after it). A clearing cookie removes the entry.
 */
export class CookieJar {
  private readonly values = new Map<string, string>()

  absorb(setCookies: readonly SetCookie[]): void {
    for (const c of setCookies) {
      if (isClearing(c) || c.value === '') this.values.delete(c.name)
      else this.values.set(c.name, c.value)
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name)
  }

  set(name: string, value: string): void {
    this.values.set(name, value)
  }

  delete(name: string): void {
    this.values.delete(name)
  }

  header(): string | undefined {
    if (this.values.size === 0) return undefined
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}
