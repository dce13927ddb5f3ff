import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

/** USER_HZ (clock ticks per second) for /proc/<pid>/stat; 100 on practically every Linux. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

export interface CpuTimes {
  userUs: number
  systemUs: number
  totalUs: number
}

/**
 * CPU time a process has used so far, all its threads included (utime + stime from /proc/<pid>/stat, fields 14–15).
 * Resolution is one clock tick (10 ms at USER_HZ=100): use it over runs of seconds, not single requests.
 */
export function readCpuTimes(pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) is fields[12].
  const usPerTick = 1e6 / clockTicks()
  const userUs = Number(fields[11]) * usPerTick
  const systemUs = Number(fields[12]) * usPerTick
  return { userUs, systemUs, totalUs: userUs + systemUs }
}

/** Resident set size in bytes (VmRSS from /proc/<pid>/status). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  return m ? Number(m[1]) * 1024 : 0
}
