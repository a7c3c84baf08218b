import type { JSONObject, RefreshAccessTokenResult, RequestClient } from '@segment/actions-core'
import type { Settings } from '../destinations/pardot/generated-types'
import { PardotClient } from '../destinations/pardot/pardot-client'
import { getImport } from '../destinations/pardot/pardot-client-imports'
import { completed, emailKey } from '../destinations/pardot/prospects/follow-import'
import { pardotCodeIn, redact } from '../destinations/pardot/errors'
import type { Credentials, DeliveryReport } from './deliver'
import type { ConcurrencyLimiter } from './limiter'

/** What the server knows of an import whose events were accepted with their outcome pending. */
export interface FollowedImport {
  importId: number
  businessUnitId: string
  /** The events accepted in it, and their match emails (to resend them if it ends Failed). */
  events: number
  emails: string[]
  outcome: 'pending' | 'complete' | 'failed' | 'unknown'
  /** The last status Pardot gave. */
  status: string
  /** Rows Pardot refused, with its reason: each is an event that did not land although it was accepted. */
  refused: { email: string; reason: string }[]
  /** Rows Pardot refused that its errors file does not tie to an email of this import: events with no known fate. */
  unmatched: number
  polls: number
  startedAt: string
  endedAt?: string
  /** Why following stopped without an outcome (its events are then to be sent again), or why a poll failed last. */
  note?: string
}

export interface FollowOptions {
  /** Time before the first poll; Pardot gives no guidance, and each poll is an API call, so seconds, not ms. */
  intervalMs: number
  /** The interval doubles after each poll up to this cap, so a slow import costs a few polls, not one every 5 s. */
  maxIntervalMs?: number
  /** How long an import is followed before its outcome is given up as unknown. */
  maxMs: number
  /** How long the business unit's calls are held once a poll hears code 122 (daily quota used up). */
  quotaPauseMs?: number
}

/** 5, 10, 20, 40, 60, 60 … s: about 14 polls in 10 minutes instead of 120. */
export const DEFAULT_FOLLOW: FollowOptions = { intervalMs: 5000, maxIntervalMs: 60_000, maxMs: 10 * 60_000 }

/** GET /imports keeps the newest imports only, so a long-running server's memory stays bounded. */
export const MAX_FOLLOWED = 1000

interface Context {
  settings: JSONObject
  credentials: Credentials
}

/** How the follower reaches Pardot: as the server's deliveries do (their hosts, headers and token store). */
export interface FollowerConnection {
  request(headers: Record<string, string>): RequestClient
  refresh(settings: JSONObject, credentials: Credentials): Promise<RefreshAccessTokenResult | undefined>
}

/**
 * Keeps following, in the background, the imports a batch left pending, so an operator sees every row Pardot
 * refused (GET /imports, and the log). Its polls are API calls like any other; one import is polled at a time per
 * interval. Requests go where the delivery's went, through the connection the server gives it.
 */
export class ImportFollower {
  private readonly imports = new Map<string, FollowedImport>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private closed = false

  constructor(
    private readonly options: FollowOptions,
    private readonly log: (line: string) => void,
    /** The server's limiter: a poll takes a slot of its business unit like any delivery, so 5 at once still holds. */
    private readonly limiter: ConcurrencyLimiter | undefined,
    private readonly connection: FollowerConnection
  ) {}

  /** Starts following each import the report left pending. */
  track(report: DeliveryReport, context: Context): void {
    const byImport = new Map<number, string[]>()
    for (const event of report.events ?? []) {
      if (!event.pending) continue
      // Pushed in place: copying the list for each event made a 30,000-event import take minutes (quadratic).
      const emails = byImport.get(event.pending.importId) ?? []
      emails.push(event.pending.email ?? '')
      byImport.set(event.pending.importId, emails)
    }
    const businessUnitId = businessUnitOf(context)
    for (const [importId, emails] of byImport) {
      const key = `${businessUnitId} ${importId}`
      if (this.imports.has(key)) continue
      const followed: FollowedImport = {
        importId,
        businessUnitId,
        events: emails.length,
        emails,
        outcome: 'pending',
        status: 'Waiting',
        refused: [],
        unmatched: 0,
        polls: 0,
        startedAt: new Date().toISOString()
      }
      this.imports.set(key, followed)
      // Map order is insertion order: the oldest go first (one still pending keeps its timer, just not its view).
      for (const oldest of this.imports.keys()) {
        if (this.imports.size <= MAX_FOLLOWED) break
        this.imports.delete(oldest)
      }
      this.schedule(followed, context, Date.now() + this.options.maxMs, this.options.intervalMs)
    }
  }

  /** Every followed import, newest first, and the counts of their outcomes. */
  list() {
    const imports = [...this.imports.values()].reverse()
    const count = (outcome: FollowedImport['outcome']) => imports.filter((i) => i.outcome === outcome).length
    return {
      imports,
      counts: {
        pending: count('pending'),
        complete: count('complete'),
        failed: count('failed'),
        unknown: count('unknown'),
        refusedRows: imports.reduce((sum, i) => sum + i.refused.length + i.unmatched, 0),
        unmatchedRows: imports.reduce((sum, i) => sum + i.unmatched, 0)
      }
    }
  }

  /** Stops following (the server is closing): what is still pending is given up, so the log says to resend it. */
  close(): void {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const followed of this.imports.values()) {
      if (followed.outcome === 'pending') this.giveUp(followed, 'the server closed before it ended')
    }
  }

  private schedule(followed: FollowedImport, context: Context, giveUpAt: number, delayMs: number): void {
    // A poll under way when the server closed must not arm a timer the close can no longer clear.
    if (this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      const poll = () => this.poll(followed, context, giveUpAt, delayMs)
      // A poll that fails in a way it did not expect must still end the following with an outcome: left pending
      // with no timer armed, its events would never be reported.
      void (this.limiter ? this.limiter.run(followed.businessUnitId, poll) : poll()).catch((error: unknown) =>
        this.giveUp(followed, `following it failed: ${redact(messageOf(error), secretsOf(context))}`)
      )
    }, delayMs)
    this.timers.add(timer)
  }

  private async poll(followed: FollowedImport, context: Context, giveUpAt: number, delayMs: number): Promise<void> {
    try {
      followed.polls++
      const client = this.client(context)
      const state = await getImport(client, followed.importId)
      followed.status = state.status
      // A later good poll means the earlier failure no longer describes the import.
      delete followed.note
      if (state.status === 'Complete')
        return this.end(followed, await completed(client, state.id, state.errorCount ?? 0, followed.emails))
      if (['Failed', 'Canceling', 'Canceled'].includes(state.status)) return this.end(followed, undefined)
    } catch (error) {
      const message = messageOf(error)
      followed.note = redact(message, secretsOf(context))
      // As deliveries do: once the daily quota is spent, no call of this business unit goes out for a while.
      if (pardotCodeIn(message) === 122) this.limiter?.pause(followed.businessUnitId, this.options.quotaPauseMs ?? 5000)
      if ((error as { status?: number } | null)?.status === 401) await this.refresh(context)
    }
    if (Date.now() >= giveUpAt) return this.giveUp(followed, `not ended within ${this.options.maxMs / 1000} s`)
    const next = Math.min(delayMs * 2, Math.max(this.options.maxIntervalMs ?? delayMs, this.options.intervalMs))
    this.schedule(followed, context, giveUpAt, Math.max(1, Math.min(next, giveUpAt - Date.now())))
  }

  /**
   * Gives up following an import: the outcome of its events is unknown, so they are reported as to be sent again
   * (retryable; an upsert by email lands the same way twice), in GET /imports and the log.
   */
  private giveUp(followed: FollowedImport, why: string): void {
    if (followed.outcome !== 'pending') return
    const lastPoll = followed.note === undefined ? '' : `; the last poll failed: ${followed.note}`
    followed.outcome = 'unknown'
    followed.endedAt = new Date().toISOString()
    followed.note = `Gave up following it (${why}, last status ${followed.status}${lastPoll}): send its events again`
    this.log(
      `import ${followed.importId}: gave up following it (${why}, last status ${followed.status}): its ${followed.events} event(s), accepted with their outcome pending, have no known outcome; send them again`
    )
  }

  private end(followed: FollowedImport, outcome: Awaited<ReturnType<typeof completed>> | undefined): void {
    followed.endedAt = new Date().toISOString()
    if (!outcome || outcome.kind !== 'complete') {
      followed.outcome = 'failed'
      this.log(
        `import ${followed.importId} ended ${followed.status}: its ${followed.events} event(s), accepted with their outcome pending, did not land; send them again`
      )
      return
    }
    followed.outcome = 'complete'
    // Only the refused rows of this import's own emails; the others are counted as unmatched (fate unknown).
    const own = new Set(followed.emails.map(emailKey))
    followed.refused = [...outcome.refused]
      .filter(([email]) => own.has(email))
      .map(([email, reason]) => ({ email, reason }))
    followed.unmatched = outcome.unmatched
    const unmatched = outcome.unmatched > 0 ? ` (${outcome.unmatched} more not named by email)` : ''
    this.log(
      `import ${followed.importId} Complete: ${followed.refused.length} of ${followed.events} row(s) refused${unmatched}${followed.refused
        .slice(0, 3)
        .map((r) => `; ${r.email}: ${r.reason}`)
        .join('')}`
    )
  }

  private client(context: Context): PardotClient {
    const headers: Record<string, string> = {
      'Pardot-Business-Unit-Id': businessUnitOf(context)
    }
    if (context.credentials.accessToken) headers.Authorization = `Bearer ${context.credentials.accessToken}`
    return new PardotClient(this.connection.request(headers), context.settings as unknown as Settings)
  }

  /** The token expired while the import ran: refreshed as the engine would, for the next poll. */
  private async refresh(context: Context): Promise<void> {
    const { refreshToken, clientId, clientSecret } = context.credentials
    if (!refreshToken || !clientId || !clientSecret) return
    try {
      const tokens = await this.connection.refresh(context.settings, context.credentials)
      if (!tokens) return
      context.credentials.accessToken = tokens.accessToken
      if (tokens.refreshToken) context.credentials.refreshToken = tokens.refreshToken
    } catch {
      // The next poll tries again; giving up is bounded by maxMs.
    }
  }
}

function secretsOf(context: Context): (string | undefined)[] {
  return [context.credentials.accessToken, context.credentials.refreshToken]
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function businessUnitOf(context: Context): string {
  const id = context.settings.businessUnitID
  return typeof id === 'string' ? id.trim() : ''
}
