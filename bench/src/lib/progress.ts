/**
 * Progress lines on stderr while a run goes: scenario, step, and an estimate of the time left. The runner starts
 * each scenario with its estimate; scenarios call `update` with a label (and, if they track their own pace, like
 * overhead, their own remaining seconds); the total adds the estimates of the scenarios still to come.
 */
export class Progress {
  private scenario = ''
  private laterSec = 0
  private estimateSec = 0
  private scenarioStarted = Date.now()
  private lastLen = 0

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
    private readonly started = Date.now(),
  ) {}

  /** A second progress for a lane running beside this one: same stream, same switch, same run clock. */
  fork(): Progress {
    return new Progress(this.out, this.enabled, this.started)
  }

  /** Called by the runner when a scenario starts: its own estimate and that of the scenarios after it. */
  beginScenario(id: string, estimateSec: number, laterSec: number): void {
    this.scenario = id
    this.estimateSec = estimateSec
    this.laterSec = laterSec
    this.scenarioStarted = Date.now()
    this.write(`[${id}] starting`, true)
  }

  /**
   * `label` like "round 2/5 · stateless-es256 · GET /me"; `remainingSec` = this scenario's time left when it knows
   * better than its estimate minus the time spent so far.
   */
  update(label: string, remainingSec?: number): void {
    const mine = remainingSec ?? Math.max(0, this.estimateSec - (Date.now() - this.scenarioStarted) / 1000)
    const left = ` · ~${formatSec(mine + this.laterSec)} left`
    this.write(
      `[${this.scenario}] ${label}${left} (elapsed ${formatSec((Date.now() - this.started) / 1000)})`,
      false,
    )
  }

  /** A line that stays (warnings, results). */
  log(line: string): void {
    this.write(`[${this.scenario}] ${line}`, true)
  }

  done(): void {
    if (this.enabled && this.out.isTTY && this.lastLen > 0) this.out.write('\n')
    this.lastLen = 0
  }

  private write(line: string, keep: boolean): void {
    if (!this.enabled) return
    if (this.out.isTTY) {
      const pad = this.lastLen > line.length ? ' '.repeat(this.lastLen - line.length) : ''
      this.out.write(`\r${line}${pad}${keep ? '\n' : ''}`)
      this.lastLen = keep ? 0 : line.length
    } else {
      this.out.write(`${line}\n`)
    }
  }
}

export function formatSec(sec: number): string {
  const s = Math.max(0, Math.round(sec))
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}
