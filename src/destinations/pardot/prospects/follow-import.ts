import type { PardotClient } from '../pardot-client'
import { getImport, importErrors } from '../pardot-client-imports'
import { parseCsv } from './csv-rows'

/**
 * When the polls of an import fall, as shares of the wait: 8%, 24%, 56% and 100% of it (2, 6, 14 and 25 s for the
 * default 25 s). Backing off keeps a slow import from costing more than 4 polls, plus one errors download: at most
 * 5 follow-up calls per import, each counted against the daily API limit like any other call.
 */
export const POLL_AT = [0.08, 0.24, 0.56, 1]

export type ImportOutcome =
  /** Ended Complete: `refused` holds Pardot's reason for each refused row, by its match email. */
  | { kind: 'complete'; importId: number; errorCount: number; refused: Map<string, string>; unmatched: number }
  /** Ended Failed (or was canceled): none of its rows can be trusted to have landed. */
  | { kind: 'failed'; importId: number; status: string }
  /** Not known within the wait: `status` is the last one seen, `why` what stopped the following early. */
  | { kind: 'pending'; importId: number; status: string; why?: string }
  /**
   * Ended Complete with refused rows, but its errors file could not be read within the wait: which rows were
   * refused is unknown, so none of its events may be answered success (they are retried; an upsert lands the same
   * way twice).
   */
  | { kind: 'unread'; importId: number; errorCount: number; why: string }

export type Sleep = (ms: number) => Promise<void>
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs the calls given to it one after the other. */
export type Turn = <T>(call: () => Promise<T>) => Promise<T>

/**
 * One call at a time for the imports of a batch followed together: the batch holds one of the business unit's 5
 * request slots (the local server's limiter), so its polls must not overlap.
 */
export function oneAtATime(): Turn {
  let last: Promise<unknown> = Promise.resolve()
  return <T>(call: () => Promise<T>) => {
    const run = last.then(call, call)
    last = run.catch(() => undefined)
    return run
  }
}

/**
 * Follows an import until it ends or `waitMs` (> 0) has passed. A failed poll is not a failed import: Pardot has the
 * file, so the following goes on at the next poll time (one 5xx, 429 or expired token must not end it), and only when
 * the wait is over is the outcome reported pending (the local server keeps following it). Once Complete with refused
 * rows, a failed errors download is tried again at the next poll time; if it never succeeds the outcome is `unread`,
 * never success. `emails` are the match emails of the import's rows (to tell which refused rows are its own).
 */
export async function followImport(
  client: PardotClient,
  importId: number,
  waitMs: number,
  turn: Turn = (call) => call(),
  pause: Sleep = sleep,
  emails: Iterable<string> = []
): Promise<ImportOutcome> {
  let status = 'Waiting'
  let waited = 0
  let why: string | undefined
  let errorCount: number | undefined
  for (const share of POLL_AT) {
    await pause(share * waitMs - waited)
    waited = share * waitMs
    try {
      if (errorCount === undefined) {
        const state = await turn(() => getImport(client, importId))
        status = state.status
        why = undefined
        if (status === 'Complete') errorCount = state.errorCount ?? 0
      }
      if (errorCount !== undefined) return await turn(() => completed(client, importId, errorCount ?? 0, emails))
    } catch (error) {
      why = (error as Error).message
      continue
    }
    if (['Failed', 'Canceling', 'Canceled'].includes(status)) return { kind: 'failed', importId, status }
  }
  if (errorCount !== undefined) return { kind: 'unread', importId, errorCount, why: why ?? 'not downloaded' }
  return why === undefined ? { kind: 'pending', importId, status } : { kind: 'pending', importId, status, why }
}

/** How emails are compared with the errors file's: Pardot may spell them in another case, or pad them. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * A Complete import's outcome: when rows were refused, its errors file is read (one more call). `refused` is keyed by
 * emailKey; `unmatched` counts the refused rows not tied to a row of this import (`emails`), whose events are unknown.
 */
export async function completed(
  client: PardotClient,
  importId: number,
  errorCount: number,
  emails: Iterable<string> = []
): Promise<ImportOutcome> {
  if (errorCount <= 0) return { kind: 'complete', importId, errorCount: 0, refused: new Map(), unmatched: 0 }
  const refused = readErrors(await importErrors(client, importId))
  const own = new Set([...emails].map(emailKey))
  const matched = [...refused.keys()].filter((email) => own.has(email)).length
  return { kind: 'complete', importId, errorCount, refused, unmatched: Math.max(0, errorCount - matched) }
}

/**
 * The errors file, read for what we rely on (docs/import-api.md, "Errors download"): a header, the match column
 * `matchEmail` (else `email`), and the reason in a column named like error/reason/message (else the last one).
 */
export function readErrors(csv: string): Map<string, string> {
  const [header = [], ...rows] = parseCsv(csv)
  const lower = header.map((name) => name.trim().toLowerCase())
  const match = lower.indexOf('matchemail') >= 0 ? lower.indexOf('matchemail') : lower.indexOf('email')
  const named = lower.findIndex((name) => /^(errors?|reason|message|error message)$/.test(name))
  const reason = named >= 0 ? named : header.length - 1
  const refused = new Map<string, string>()
  if (match < 0) return refused
  for (const row of rows) {
    const email = emailKey(row[match] ?? '')
    if (email !== '') refused.set(email, row[reason] || 'Pardot refused this row without a reason')
  }
  return refused
}
