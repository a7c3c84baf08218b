import { LRUCache } from 'lru-cache'

/** Entries one process remembers at most: beyond it, the least recently used is dropped. */
export const READ_CACHE_MAX = 1000

interface Entry<T> {
  value: Promise<T>
  expiresAt: number
}

/**
 * A per-process memo with expiry, so a Pardot read that rarely changes (a list's kind, the custom field catalogue)
 * costs one API call per business unit per `ttlMs` instead of one per event: the daily call quota is shared by every
 * event. Concurrent callers share one read; a failed read is forgotten at once, so the next event asks again.
 *
 * Bounded by lru-cache: at most `max` entries, the least recently used dropped first, and an expired entry dropped
 * when it is next asked for. The expiry reads the wall clock (`Date.now`), as before: lru-cache 10's own `ttl` reads
 * `performance.now()` and takes no other clock, and the tests move time with `Date.now`.
 */
export class ReadCache<T> {
  private readonly entries: LRUCache<string, Entry<T>>

  constructor(
    private readonly ttlMs: number,
    max = READ_CACHE_MAX
  ) {
    this.entries = new LRUCache<string, Entry<T>>({ max })
  }

  /** `observe` hears whether the key was answered from memory (for the cache hit and miss metrics). */
  get(key: string, load: () => Promise<T>, observe?: (hit: boolean) => void): Promise<T> {
    const now = Date.now()
    const hit = this.entries.get(key)
    const fresh = hit !== undefined && hit.expiresAt > now
    observe?.(fresh)
    if (fresh) return hit.value
    const value = load()
    this.entries.set(key, { value, expiresAt: now + this.ttlMs })
    void value.catch(() => {
      if (this.entries.peek(key)?.value === value) this.entries.delete(key)
    })
    return value
  }

  /** Forgets the key at once, for a value found to be out of date before it expired. */
  delete(key: string): void {
    this.entries.delete(key)
  }

  /** The entries held: never more than `max`. */
  get size(): number {
    return this.entries.size
  }
}
