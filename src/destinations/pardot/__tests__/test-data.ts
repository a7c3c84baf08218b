import type { ActionDefinition, InputField, JSONObject, JSONValue } from '@segment/actions-core'
import type { Settings } from '../generated-types'

/**
 * Segment-style generated test data, seeded so every run makes the same: a value for each field from its type,
 * format and choices, as Segment's monorepo generator does. Two differences, so the data passes the checks made
 * before any request (Segment's random business unit would be refused first, and nothing would be pinned):
 * the settings hold a valid business unit id (18 characters starting 0Uv) with at most one environment toggle on,
 * and text is made of letters (a field that must be an API name or an email then holds one).
 */

/** mulberry32 over a hash of the seed: small, deterministic and good enough for test data. */
function random(seed: string): () => number {
  let state = 0
  for (const char of seed) state = (Math.imul(state ^ char.charCodeAt(0), 2654435761) + 1) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export class TestData {
  private readonly next: () => number

  constructor(seed: string) {
    this.next = random(seed)
  }

  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chars(alphabet: string, length: number): string {
    return Array.from({ length }, () => alphabet[this.integer(0, alphabet.length - 1)]).join('')
  }

  word(): string {
    const word = this.chars(LETTERS, this.integer(4, 9))
    return word[0].toUpperCase() + word.slice(1)
  }

  email(): string {
    return `${this.word().toLowerCase()}.${this.word().toLowerCase()}@example.com`
  }

  bool(): boolean {
    return this.next() < 0.5
  }

  pick<T>(values: readonly T[]): T {
    return values[this.integer(0, values.length - 1)]
  }

  /** A value of the field's type, as Segment's generator makes it. */
  value(name: string, field: InputField): JSONValue {
    const choices = field.choices?.map((choice) => (typeof choice === 'string' ? choice : choice.value))
    if (choices?.length) return this.pick(choices)
    switch (field.type) {
      case 'boolean':
        return this.bool()
      case 'datetime':
        return '2021-02-01T00:00:00.000Z'
      case 'integer':
      case 'number':
        return this.integer(field.minimum ?? 1, field.maximum ?? 10_000)
      case 'object':
        // An object without declared properties is a key-value field: one custom field (`<name>__c`) in it.
        return { [`${this.word()}__c`]: this.word() }
      default:
        if (/email/i.test(name) || field.format === 'email') return this.email()
        // A text field for a date (Activity Date) gets a date-time, as Segment's generator gives a timestamp.
        if (field.format === 'date-time' || /Date$/.test(name)) return '2021-02-01T00:00:00.000Z'
        if (field.format === 'uri') return `https://${this.word().toLowerCase()}.example.com`
        if (/Id$/.test(name)) return String(this.integer(1000, 99_999))
        return this.word()
    }
  }
}

/** Valid settings from the seed: a business unit id of the right form, and at most one environment toggle on. */
export function testSettings(data: TestData): Settings {
  const environment = data.pick(['production', 'sandbox', 'developerOrg'] as const)
  return {
    businessUnitID: `0Uv${data.chars(ALPHANUMERIC, 15)}`,
    accountID: String(data.integer(100_000, 999_999)),
    isSandbox: environment === 'sandbox',
    isDeveloperOrg: environment === 'developerOrg'
  }
}

/**
 * The mapping (every field given as a literal value, as Segment's snapshot tests map them) for the action's fields,
 * leaving out `skip` (fields that would take the event down another path, pinned by their own tests).
 */
export function testMapping(data: TestData, action: ActionDefinition<Settings>, skip: string[] = []): JSONObject {
  const mapping: JSONObject = {}
  for (const [name, field] of Object.entries(action.fields)) {
    if (!skip.includes(name)) mapping[name] = data.value(name, field)
  }
  return mapping
}
