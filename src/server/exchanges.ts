import type { DecoratedResponse } from '@segment/actions-core'
import { INTERNAL_HEADER } from './security'

/** One request the destination made and the answer it got, as a user of the local server sees it. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown }
  response: { status: number; headers: Record<string, string>; body?: unknown }
}

const HIDDEN_HEADERS = new Set(['authorization', INTERNAL_HEADER])

/** One recorded response as an exchange, with every secret replaced by `[redacted]`. */
export function toExchange(response: DecoratedResponse, secrets: (string | undefined)[]): Exchange {
  const request = response.request
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = HIDDEN_HEADERS.has(name) ? value.replace(/^(Bearer\s+)?.+$/i, '$1[redacted]') : value
  })
  const options = response.options as { json?: unknown; body?: unknown }
  const body = options.json ?? (typeof options.body === 'string' ? options.body : options.body?.toString())
  const answerHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => (answerHeaders[name] = value))
  return redactDeep(
    {
      request: { method: request.method, url: request.url, headers, body },
      response: { status: response.status, headers: answerHeaders, body: response.data ?? response.content }
    },
    secrets
  )
}

/** Past this depth a value is replaced, not walked: the body check keeps callers' values far shallower. */
const REDACT_DEPTH = 200

/**
 * Every secret replaced by `[redacted]`: in text (as it is, JSON-escaped, URL- and form-encoded, so a token inside a
 * query string or form body is caught), in keys, and a number that reads as a secret. It walks the value
 * instead of editing its JSON text, so no secret (`"true"`, `":"`) can break the result, and it never throws.
 */
export function redactDeep<T>(value: T, secrets: (string | undefined)[]): T {
  const redactor = redactorFor(secrets)
  if (!redactor) return value
  const text = (s: string) => s.replace(redactor.pattern, '[redacted]')
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return text(node)
    // A number can be a secret's value (a numeric password); `true` is the answer's own `ok`, and stays.
    if (typeof node === 'number' || typeof node === 'bigint')
      return redactor.forms.has(String(node)) ? '[redacted]' : node
    if (typeof node !== 'object' || node === null) return node
    if (depth > REDACT_DEPTH) return '[too deep to show]'
    const json = (node as { toJSON?: unknown }).toJSON
    if (typeof json === 'function') return walk((json as () => unknown).call(node), depth + 1)
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(node)) out[text(key)] = walk(item, depth + 1)
    return out
  }
  try {
    return walk(value, 0) as T
  } catch {
    // Nothing above should throw; if something does, hiding everything is the safe answer.
    return '[redacted]' as T
  }
}

/** A secret set's forms and the one pattern that finds them all. */
interface Redactor {
  forms: Set<string>
  pattern: RegExp
}

/** Redactors of the secret sets seen lately: a call redacts with the same set several times, and calls share sets. */
const redactors = new Map<string, Redactor | undefined>()
const REDACTORS_KEPT = 64

/** The redactor of `secrets`, built once per secret set (its forms and pattern cost more than a short text's walk). */
function redactorFor(secrets: (string | undefined)[]): Redactor | undefined {
  // JSON keeps the set unambiguous whatever a secret holds; shorter ones have no forms (see secretForms).
  const key = JSON.stringify(secrets.filter((s) => typeof s === 'string' && s.length >= 4))
  if (redactors.has(key)) return redactors.get(key)
  const forms = secretForms(secrets)
  // One pass over the text, longest form first, so a secret is never left half-replaced by a shorter one inside it.
  const redactor = forms.length
    ? { forms: new Set(forms), pattern: new RegExp(forms.map(toPattern).join('|'), 'g') }
    : undefined
  if (redactors.size >= REDACTORS_KEPT) redactors.delete(redactors.keys().next().value as string)
  redactors.set(key, redactor)
  return redactor
}

/**
 * The ways a secret is written where it may show: as it is, JSON-escaped, URL-encoded (encodeURIComponent, `+` for
 * spaces) and form-encoded as URLSearchParams writes it, which also escapes ! ' ( ) ~ (the refresh grant's body).
 */
function secretForms(secrets: (string | undefined)[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 4) continue
    const encoded = encodeURIComponent(secret)
    const form = new URLSearchParams({ x: secret }).toString().slice(2)
    for (const shown of [secret, JSON.stringify(secret).slice(1, -1), encoded, encoded.replace(/%20/g, '+'), form])
      forms.add(shown)
  }
  return [...forms].sort((a, b) => b.length - a.length)
}

/** A form as a pattern: literal, except that a percent-escape matches in either case (`%2F` and `%2f`). */
function toPattern(form: string): string {
  const literal = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return literal.replace(/%([0-9A-F])([0-9A-F])/g, (_, high: string, low: string) => `%${anyCase(high)}${anyCase(low)}`)
}

const anyCase = (digit: string) => (/[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit)
