/** The soak's client: POSTs of events from parallel callers, in rounds that resend what was answered retryable. */
import type { DeliveryReport } from '../../src/server/deliver'
import type { EventOutcome } from '../../src/server/outcomes'
import type { LocalServer } from '../../src/server/app'
import { refusable, type SoakOptions } from './options'

const POST_SIZE = 100
const PARALLEL_POSTS = 10
export const CLIENT_ROUNDS = 5

/** What the client saw, across every round. */
export interface Tally {
  pending: number[]
  serverRetries: number
  clientResends: number
  rounds: number
  // An event refused for good in round 1 is not sent again, so it must still count.
  finalFailures: { index: number; error?: EventOutcome['error'] }[]
  /** Events answered ok, and those of them accepted with their import's outcome pending. */
  accepted: Set<number>
  acceptedPending: number
  resentImports: Set<number>
}

/** One POST of events `post` to the local server: its report. */
async function send(url: string, emails: string[], post: number[], o: SoakOptions): Promise<DeliveryReport> {
  const res = await fetch(`${url}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      payload: post.map((i) => ({
        type: 'identify',
        userId: `u${i}`,
        traits: { email: emails[i], first_name: 'Soak', ...(refusable(i, o) ? { title: 'x'.repeat(300) } : {}) }
      })),
      // A short Import Wait, so some imports are still running when the batch answers: the server follows them.
      ...(o.batch ? { mapping: { enable_batching: true, batch_size: POST_SIZE, import_wait_seconds: 1 } } : {}),
      useDefaultMappings: true
    })
  })
  return (await res.json()) as DeliveryReport
}

/** Sends the pending events in POSTs from parallel callers; returns those answered retryable. */
async function sendRound(local: LocalServer, emails: string[], tally: Tally, o: SoakOptions, deadline: number) {
  const posts: number[][] = []
  for (let i = 0; i < tally.pending.length; i += POST_SIZE) posts.push(tally.pending.slice(i, i + POST_SIZE))
  const retryable: number[] = []
  const worker = async () => {
    for (let post = posts.shift(); post && Date.now() < deadline; post = posts.shift()) {
      const report = await send(local.url, emails, post, o)
      tally.serverRetries += report.retries
      ;(report.events ?? []).forEach((outcome, k) => {
        if (outcome.ok) {
          tally.accepted.add(post[k])
          if (outcome.pending) tally.acceptedPending++
          return
        }
        if (outcome.error?.retryable) retryable.push(post[k])
        else tally.finalFailures.push({ index: post[k], error: outcome.error })
      })
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_POSTS }, worker))
  return retryable
}

/** Imports the batches left pending are still being followed: their outcomes count too. */
async function followedToTheEnd(local: LocalServer, deadline: number) {
  while (local.imports.list().counts.pending > 0 && Date.now() < deadline + 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * An import that ended Failed after its batch was answered (outcome pending): the server reported that its events
 * did not land, so the client sends them again, as an operator reading GET /imports would. One the server gave up
 * following (outcome unknown, logged and in GET /imports) is resent too: its fate was reported unknown, and an
 * upsert by email lands the same way twice.
 */
function resendFailedImports(local: LocalServer, emails: string[], tally: Tally) {
  for (const failed of local.imports.list().imports) {
    if (!['failed', 'unknown'].includes(failed.outcome) || tally.resentImports.has(failed.importId)) continue
    tally.resentImports.add(failed.importId)
    tally.pending.push(...failed.emails.map((email) => emails.indexOf(email)))
  }
}

/** Up to CLIENT_ROUNDS rounds, each resending what the one before left retryable, until none is or time is up. */
export async function sendAll(local: LocalServer, emails: string[], o: SoakOptions, deadline: number): Promise<Tally> {
  const tally: Tally = {
    pending: emails.map((_, i) => i),
    serverRetries: 0,
    clientResends: 0,
    rounds: 0,
    finalFailures: [],
    accepted: new Set(),
    acceptedPending: 0,
    resentImports: new Set()
  }
  for (let round = 0; round < CLIENT_ROUNDS && tally.pending.length > 0 && Date.now() < deadline; round++) {
    if (round > 0) tally.clientResends += tally.pending.length
    tally.rounds = round + 1
    tally.pending = await sendRound(local, emails, tally, o, deadline)
    await followedToTheEnd(local, deadline)
    resendFailedImports(local, emails, tally)
  }
  return tally
}
