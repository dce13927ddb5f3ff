import type { Handler } from 'hono'

/** Serves an in-memory asset (the demo pages ship as strings: no file system access at request time). */
export function staticAsset(body: string, contentType: string): Handler {
  return (c) => {
    c.header('Content-Type', contentType)
    c.header('Cache-Control', 'no-cache')
    return c.body(body)
  }
}
