/**
 * What the sandbox counts: calls by endpoint, answers by code, requests at it at once, the daily quotas used, bytes
 * imported, faults injected and token exchanges. The limits read some of them; `/sandbox/stats` reports them.
 */

export interface SandboxStats {
  calls: Record<string, number>
  totalApiCalls: number
  answers: Record<string, number>
  /**
   * The most requests of each business unit at the sandbox at once, counted on arrival (those refused with code 66
   * included): what a client sent, so a client that overshoots Pardot's limit shows here.
   */
  maxInFlightArrived: Record<string, number>
  /** The most requests of each business unit let through at once: never above `maxConcurrent`. */
  maxInFlightAdmitted: Record<string, number>
  importedBytes: number
  injected: { '5xx': number; '66': number; slow: number }
  /** Token refreshes answered, refresh tokens rotated, and rotated-out tokens presented again (family revoked). */
  oauth: { refreshed: number; rotated: number; reuseDetected: number }
}

export class SandboxCounters {
  /** Calls by endpoint (`METHOD /path/:param`), or by method and path for a path no route knows. */
  readonly calls = new Map<string, number>()
  /** Failures answered, by Pardot code (`500` for a fault of the sandbox itself). */
  readonly answers = new Map<string, number>()
  /** API requests of each business unit being answered now, those refused with code 66 included. */
  readonly arriving = new Map<string, number>()
  /** The most requests of each business unit that were ever at the sandbox at once: what the client sent. */
  readonly maxArrived = new Map<string, number>()
  /** API requests of each business unit let through the concurrency check and not yet answered. */
  readonly inFlight = new Map<string, number>()
  /** The most requests of each business unit let through at once: never above `maxConcurrent`. */
  readonly maxAdmitted = new Map<string, number>()
  readonly dailyCalls = new Map<string, number>()
  readonly dailyImportBatches = new Map<string, number>()
  /** CSV bytes received by the Import API, to relate calls to data volume. */
  importedBytes = 0
  injected = { '5xx': 0, '66': 0, slow: 0 }
  /** What clients did at the token endpoint: exchanges, rotations, and reuses of a rotated-out token. */
  oauth = { refreshed: 0, rotated: 0, reuseDetected: 0 }

  count(map: Map<string, number>, key: string, by = 1): number {
    const value = (map.get(key) ?? 0) + by
    map.set(key, value)
    return value
  }

  reset(): void {
    this.calls.clear()
    this.answers.clear()
    this.arriving.clear()
    this.maxArrived.clear()
    this.inFlight.clear()
    this.maxAdmitted.clear()
    this.dailyCalls.clear()
    this.dailyImportBatches.clear()
    this.importedBytes = 0
    this.injected = { '5xx': 0, '66': 0, slow: 0 }
    this.oauth = { refreshed: 0, rotated: 0, reuseDetected: 0 }
  }

  stats(): SandboxStats {
    const calls = Object.fromEntries(this.calls)
    return {
      calls,
      totalApiCalls: Object.entries(calls)
        .filter(([endpoint]) => endpoint.includes(' /api/'))
        .reduce((sum, [, n]) => sum + n, 0),
      answers: Object.fromEntries(this.answers),
      maxInFlightArrived: Object.fromEntries(this.maxArrived),
      maxInFlightAdmitted: Object.fromEntries(this.maxAdmitted),
      importedBytes: this.importedBytes,
      injected: { ...this.injected },
      oauth: { ...this.oauth }
    }
  }
}
