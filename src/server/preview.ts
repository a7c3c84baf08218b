import type { Exchange } from './exchanges'

/**
 * What an answer may echo of payloads and requests. The Event Tester shows one event's mapped payload and the
 * requests it caused, each body readable on a screen: 10,000 characters a string is more than it ever shows, and
 * 2 MB of exchanges is hundreds of requests. Anything past that is cut with a note of how much was left out.
 */
export const PREVIEW = { chars: 10_000, exchangeChars: 2_000_000 }

/** `value` with every string longer than the bound cut short, saying how many characters were left out. */
export function preview<T>(value: T, chars = PREVIEW.chars): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string')
      return node.length > chars ? `${node.slice(0, chars)}… [${node.length - chars} more characters not shown]` : node
    if (typeof node !== 'object' || node === null) return node
    if (Array.isArray(node)) return node.map(walk)
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]))
  }
  return walk(value) as T
}

/**
 * The exchanges of one call, kept as they happen and only up to the bound: an exchange past it is counted, never
 * built, and nothing holds on to the requests (a batch's CSV files) once their exchange is made.
 */
export class ExchangePreview {
  private readonly requests: Exchange[] = []
  private size = 0
  private left = 0

  /** `make` builds the exchange (redacted) only when it may still be shown. */
  add(make: () => Exchange): void {
    if (this.left > 0) {
      this.left++
      return
    }
    const shown = preview(make())
    const size = this.size + JSON.stringify(shown).length
    if (size > PREVIEW.exchangeChars) {
      this.left++
      return
    }
    this.size = size
    this.requests.push(shown)
  }

  result(): { requests: Exchange[]; requestsNotShown?: number } {
    return this.left > 0 ? { requests: this.requests, requestsNotShown: this.left } : { requests: this.requests }
  }
}
