import { Counter, collectDefaultMetrics, Registry } from 'prom-client'
import { StoreCounters } from '../db/store-counters.js'

export type LoginOutcome = 'success' | 'invalid_credentials' | 'throttled' | 'invalid_request'

/**
 * Prometheus metrics for one app instance, on a registry of its own (so several apps can live in one test
 * process). Store reads/writes come from the StoreCounters the stores increment, exported at scrape time.
 */
export class Metrics {
  readonly registry = new Registry()
  readonly store = new StoreCounters()
  readonly requests: Counter<'method' | 'route' | 'status'>
  readonly logins: Counter<'outcome'>

  constructor(app: string, opts: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({ app })
    this.requests = new Counter({
      name: 'auth_lab_http_requests_total',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    })
    this.logins = new Counter({
      name: 'auth_lab_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'],
      registers: [this.registry],
    })
    const store = this.store
    new Counter({
      name: 'auth_lab_store_operations_total',
      help: 'Store reads and writes by table',
      labelNames: ['op', 'table'],
      registers: [this.registry],
      collect() {
        this.reset()
        for (const e of store.entries()) this.inc({ op: e.op, table: e.table }, e.count)
      },
    })
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry })
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}
