import type { RequestClient } from '@segment/actions-core'
import type { DeliveryReport } from '../deliver'
import { ImportFollower } from '../import-follower'
import { ConcurrencyLimiter } from '../limiter'

type Answer = { status: number; body: unknown }

/** A follower whose requests are answered from `answers`, in order (the last one repeats). */
function followerWith(
  answers: Answer[],
  options = { intervalMs: 10, maxIntervalMs: 40, maxMs: 400 },
  limiter = new ConcurrencyLimiter(5)
) {
  const calls: { url: string; at: number }[] = []
  const lines: string[] = []
  const request = ((url: string) => {
    calls.push({ url, at: Date.now() })
    const answer = answers.length > 1 ? answers.shift() : answers[0]
    if (!answer || answer.status >= 400) {
      // As the destination's errors read: its code in Pardot's words, which the follower looks for.
      const { code } = (answer?.body ?? {}) as { code?: number }
      return Promise.reject(
        Object.assign(new Error(`Pardot answered (code ${code ?? 0}, HTTP ${answer?.status ?? 0})`), {
          status: answer?.status
        })
      )
    }
    return Promise.resolve({
      status: answer.status,
      data: answer.body,
      content: JSON.stringify(answer.body),
      headers: new Headers()
    })
  }) as unknown as RequestClient
  const follower = new ImportFollower(options, (line) => lines.push(line), limiter, {
    request: () => request,
    refresh: () => Promise.resolve(undefined)
  })
  const report = {
    events: [{ ok: true, status: 200, pending: { importId: 7, email: 'a@example.com' } }]
  } as unknown as DeliveryReport
  follower.track(report, { settings: { businessUnitID: '0Uv000000000001AAA' }, credentials: { accessToken: 't' } })
  return { follower, calls, limiter, lines }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the background follower', () => {
  it('backs off between polls up to its cap (review 14: 5)', async () => {
    const { follower, calls } = followerWith([{ status: 200, body: { id: 7, status: 'Processing' } }])
    await wait(300)
    follower.close()
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at)
    // 10, 20, 40, 40 …: far fewer polls than one every 10 ms.
    expect(calls.length).toBeLessThan(12)
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(35)
  })

  it('pauses the business unit in the limiter when a poll hears code 122 (review 14: 5)', async () => {
    const { follower, limiter } = followerWith([{ status: 403, body: { code: 122, message: 'Daily API limit' } }])
    await wait(60)
    follower.close()
    expect(limiter.pauseLeft('0Uv000000000001AAA')).toBeGreaterThan(0)
  })

  it('clears the note of a failed poll after a good one (review 14: 6)', async () => {
    const { follower } = followerWith([
      { status: 503, body: { code: 85, message: 'Internal error' } },
      { status: 200, body: { id: 7, status: 'Processing' } }
    ])
    await wait(80)
    const [followed] = follower.list().imports
    expect(followed.polls).toBeGreaterThanOrEqual(2)
    expect(followed.note).toBeUndefined()
    follower.close()
  })

  it('gives up an import that never ends after maxMs, and reports its events to be sent again', async () => {
    const { follower, lines } = followerWith([{ status: 200, body: { id: 7, status: 'Processing' } }], {
      intervalMs: 10,
      maxIntervalMs: 20,
      maxMs: 100
    })
    await wait(250)
    follower.close()
    expect(follower.list().imports[0]).toMatchObject({
      outcome: 'unknown',
      note: 'Gave up following it (not ended within 0.1 s, last status Processing): send its events again'
    })
    expect(lines).toEqual([
      'import 7: gave up following it (not ended within 0.1 s, last status Processing): its 1 event(s), accepted with their outcome pending, have no known outcome; send them again'
    ])
  })

  it('ends the following with its events to be sent again when a poll cannot run at all', async () => {
    const broken = { run: () => Promise.reject(new Error('no slot')) } as unknown as ConcurrencyLimiter
    const { follower, lines } = followerWith(
      [{ status: 200, body: { id: 7, status: 'Processing' } }],
      undefined,
      broken
    )
    await wait(50)
    expect(follower.list().imports[0]).toMatchObject({ outcome: 'unknown', polls: 0 })
    expect(lines[0]).toMatch(/^import 7: gave up following it \(following it failed: no slot, .*; send them again$/)
  })

  it('gives up what is still pending when the server closes, so the log says to send it again', () => {
    const { follower, lines, calls } = followerWith([{ status: 200, body: { id: 7, status: 'Processing' } }])
    follower.close()
    expect(calls).toEqual([])
    expect(follower.list().counts).toMatchObject({ pending: 0, unknown: 1 })
    expect(lines).toEqual([
      'import 7: gave up following it (the server closed before it ended, last status Waiting): its 1 event(s), accepted with their outcome pending, have no known outcome; send them again'
    ])
  })

  it('takes a 100,000-event import in linear time (issue 18: copying the list per event took minutes)', () => {
    const { follower } = followerWith([{ status: 200, body: { id: 8, status: 'Processing' } }])
    const events = Array.from({ length: 100_000 }, (_, i) => ({
      ok: true,
      status: 200,
      pending: { importId: 8, email: `u${i}@example.com` }
    }))
    const started = Date.now()
    follower.track({ events } as unknown as DeliveryReport, {
      settings: { businessUnitID: '0Uv000000000001AAA' },
      credentials: { accessToken: 't' }
    })
    const took = Date.now() - started
    follower.close()
    expect(follower.list().imports.find((i) => i.importId === 8)?.events).toBe(100_000)
    // Linear, this is tens of ms; quadratic, it was minutes.
    expect(took).toBeLessThan(5000)
  })
})
