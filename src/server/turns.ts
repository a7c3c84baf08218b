import type { SegmentEvent } from '@segment/actions-core'
import type { ConcurrencyLimiter } from './limiter'

/** Batch sizes a mapping may ask for (the Batch Size field's bounds); anything else gets the field's default. */
const BATCH_SIZE = { min: 1, max: 100_000 }

/**
 * The mapping's `batch_size` when it is a whole number within the field's bounds, else `fallback`. The mapping
 * comes from the caller, and a size of 0, -1 or 1.5 would otherwise cut the events into chunks without end.
 */
export function batchSize(value: unknown, fallback: number): number {
  const size = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : NaN
  return Number.isInteger(size) && size >= BATCH_SIZE.min && size <= BATCH_SIZE.max ? size : fallback
}

/**
 * Events of one call (sent one by one) in progress at once. The engine maps an event as soon as its attempt starts,
 * before it waits for a slot: starting all of a 10,000-event call at once would map them all in one go, holding the
 * thread (and the answers of the requests in flight) for seconds. Twice Pardot's five: five requests at Pardot and
 * five mapped and waiting for a slot.
 */
export const EVENTS_AT_ONCE = 10

/** `run(0)` … `run(count - 1)`, started in order, at most `atOnce` at a time; the answers in the same order. */
export async function inTurn<T>(count: number, atOnce: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = new Array<T>(count)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < count; i = next++) answers[i] = await run(i)
  }
  await Promise.all(Array.from({ length: Math.min(atOnce, count) }, worker))
  return answers
}

/**
 * `deliver` for each chunk of `size` events in order, at most `atOnce` chunks at a time: a chunk is cut from the
 * events only when its turn comes, and its CSV and events are let go once its answer is in, so memory follows the
 * batch size instead of the call's size.
 */
export function inChunks<T>(
  events: SegmentEvent[],
  size: number,
  atOnce: number,
  deliver: (chunk: SegmentEvent[]) => Promise<T>
): Promise<T[]> {
  // The call's events are let go chunk by chunk: the array is the server's own parse of the request, read for
  // nothing else once cut (its length stays), so a delivered chunk's events do not wait for the whole call.
  const held = events as (SegmentEvent | undefined)[]
  const cut = (c: number) => {
    const chunk = events.slice(c * size, (c + 1) * size)
    held.fill(undefined, c * size, (c + 1) * size)
    return chunk
  }
  return inTurn(Math.ceil(events.length / size), atOnce, (c) => deliver(cut(c)))
}

/** Whether Pardot's answer says the daily quota is used up (code 122). */
export function quotaUsedUp(response: unknown): boolean {
  const answer = response as { ok?: boolean; data?: unknown } | undefined
  return answer?.ok === false && (answer.data as { code?: unknown } | undefined)?.code === 122
}

/** Thrown instead of sending a request whose caller has left. */
export class CallerGone extends Error {
  constructor() {
    super('Not sent: the caller closed the connection.')
  }
}

/**
 * A slot of `key` in `caller`'s turn, held until the returned function is called; none is taken for a caller that
 * has left, even one that leaves while its request waits in line (what is still queued is not sent).
 */
export async function takeSlot(
  limiter: ConcurrencyLimiter | undefined,
  key: string,
  deadline: number,
  caller: unknown,
  signal?: AbortSignal
): Promise<() => void> {
  if (signal?.aborted) throw new CallerGone()
  if (!limiter) return () => undefined
  const release = await limiter.take(key, deadline, caller)
  if (!signal?.aborted) return release
  release()
  throw new CallerGone()
}
