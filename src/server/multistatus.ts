import type { Result } from '@segment/actions-core'
import { retryableFailure, type EventOutcome } from './outcomes'

/** An event accepted in an import Pardot had not finished within the Import Wait (see import-follower.ts). */
export interface PendingImport {
  importId: number
  status: string
  note: string
  /** The event's match email, to tie a row refused later to it. */
  email?: string
}

interface MultistatusEntry {
  status: number
  errormessage?: string
  errortype?: string
  body?: unknown
  sent?: unknown
}

/** Each event's outcome from a batch's multistatus answer. */
export function fromMultistatus(results: Result[]): EventOutcome[] {
  const multistatus = (results[0] as { multistatus?: MultistatusEntry[] })?.multistatus
  return (multistatus ?? []).map((entry) => {
    const ok = entry.status >= 200 && entry.status < 300
    const pending = ok ? pendingOf(entry) : undefined
    return ok
      ? { ok, status: entry.status, ...(pending ? { pending } : {}) }
      : {
          ok,
          status: entry.status,
          error: {
            status: entry.status,
            code: entry.errortype,
            message: entry.errormessage ?? '',
            retryable: retryableFailure(entry.status, entry.errortype)
          }
        }
  })
}

/** The import an accepted event waits on, when the destination answered it "outcome pending". */
function pendingOf(entry: MultistatusEntry): PendingImport | undefined {
  const body = entry.body as { importId?: unknown; importStatus?: unknown; outcome?: unknown; note?: unknown }
  if (body?.outcome !== 'pending' || typeof body.importId !== 'number') return undefined
  const email = (entry.sent as { matchEmail?: unknown } | undefined)?.matchEmail
  return {
    importId: body.importId,
    status: String(body.importStatus),
    note: String(body.note),
    ...(typeof email === 'string' ? { email } : {})
  }
}
