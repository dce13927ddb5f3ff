import { describe, expect, it } from 'vitest'
import { diffStoreCounts, parsePrometheus, storeCountsFrom } from './metrics-scrape.js'

const TEXT = `# HELP auth_lab_store_operations_total Store reads and writes by table
# TYPE auth_lab_store_operations_total counter
auth_lab_store_operations_total{op="read",table="sessions",app="stateful"} 120
auth_lab_store_operations_total{op="read",table="users",app="stateful"} 100
auth_lab_store_operations_total{op="write",table="sessions",app="stateful"} 3
auth_lab_http_requests_total{method="GET",route="/me",status="200",app="stateful"} 100
`

describe('metrics scrape', () => {
  it('parses samples with labels and values', () => {
    const s = parsePrometheus(TEXT)
    expect(s).toHaveLength(4)
    expect(s[0]).toEqual({
      name: 'auth_lab_store_operations_total',
      labels: { op: 'read', table: 'sessions', app: 'stateful' },
      value: 120,
    })
  })
  it('sums store reads and writes and diffs two scrapes per table', () => {
    const before = storeCountsFrom(parsePrometheus(TEXT))
    expect(before).toMatchObject({ reads: 220, writes: 3, requests: 100 })
    const after = storeCountsFrom(
      parsePrometheus(
        `${TEXT.replace('} 120', '} 170').replace('status="200",app="stateful"} 100', 'status="200",app="stateful"} 150')}` +
          'auth_lab_http_requests_total{method="GET",route="/metrics",status="200",app="stateful"} 7\n',
      ),
    )
    // The requests the server answered, its own /metrics scrapes left out.
    expect(diffStoreCounts(before, after)).toEqual({
      reads: 50,
      writes: 0,
      byTable: { 'read:sessions': 50, 'read:users': 0, 'write:sessions': 0 },
      requests: 50,
    })
  })
})
