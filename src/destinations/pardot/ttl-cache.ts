/**
 * A per-process memo with expiry, so a Pardot read that rarely changes (a list's kind, the custom
 * field catalogue) costs one API call per business unit per `ttlMs` instead of one per event: the
 * daily call quota is shared by every event. Concurrent callers share one read; a failed read is
 * forgotten at once, so the next event asks again.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expiresAt: number }>()

  constructor(private readonly ttlMs: number) {}

  /** `observe` hears whether the key was answered from memory (for the cache hit and miss metrics). */
  get(key: string, load: () => Promise<T>, observe?: (hit: boolean) => void): Promise<T> {
    const now = Date.now()
    const hit = this.entries.get(key)
    observe?.(Boolean(hit && hit.expiresAt > now))
    if (hit && hit.expiresAt > now) return hit.value
    const value = load()
    this.entries.set(key, { value, expiresAt: now + this.ttlMs })
    void value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key)
    })
    return value
  }

  /** Forgets the key at once, for a value found to be out of date before it expired. */
  delete(key: string): void {
    this.entries.delete(key)
  }
}
