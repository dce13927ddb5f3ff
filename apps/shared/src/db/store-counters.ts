/**
 * Plain-number counters of store reads and writes per table. Every store increments them on its hot path (a Map
 * update, far cheaper than a labelled prom-client counter); /metrics exports them and tests read them to prove
 * claims like "a read-only request makes one read and zero writes".
 */
export type StoreOp = 'read' | 'write'

export class StoreCounters {
  private readonly counts = new Map<string, number>()

  read(table: string, n = 1): void {
    this.add('read', table, n)
  }

  write(table: string, n = 1): void {
    this.add('write', table, n)
  }

  get(op: StoreOp, table?: string): number {
    if (table !== undefined) return this.counts.get(`${op}:${table}`) ?? 0
    let sum = 0
    for (const [k, v] of this.counts) if (k.startsWith(`${op}:`)) sum += v
    return sum
  }

  /** `[{op, table, count}]`, for the metrics exporter. */
  entries(): { op: StoreOp; table: string; count: number }[] {
    return [...this.counts].map(([k, count]) => {
      const [op, table] = k.split(':') as [StoreOp, string]
      return { op, table, count }
    })
  }

  private add(op: StoreOp, table: string, n: number): void {
    const key = `${op}:${table}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + n)
  }
}
