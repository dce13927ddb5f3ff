/** The q-th percentile (0–100) of an ascending array, nearest-rank; null when empty. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((q / 100) * sorted.length)))
  return Math.round((sorted[rank - 1] as number) * 10) / 10
}
