import type { DecoratedResponse } from '@segment/actions-core'

/** One request the destination made and the answer it got, as a user of the local server sees it. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown }
  response: { status: number; headers: Record<string, string>; body?: unknown }
}

const HIDDEN_HEADERS = new Set(['authorization'])

/** Turns the engine's recorded responses into exchanges, with every secret replaced by `[redacted]`. */
export function toExchanges(responses: DecoratedResponse[], secrets: (string | undefined)[]): Exchange[] {
  const scrub = <T>(value: T): T => redactDeep(value, secrets)
  return responses.map((response) => {
    const request = response.request
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = HIDDEN_HEADERS.has(name) ? value.replace(/^(Bearer\s+).+$/i, '$1[redacted]') : value
    })
    const options = response.options as { json?: unknown; body?: unknown }
    const body = options.json ?? (typeof options.body === 'string' ? options.body : options.body?.toString())
    const answerHeaders: Record<string, string> = {}
    response.headers.forEach((value, name) => (answerHeaders[name] = value))
    return scrub({
      request: { method: request.method, url: request.url, headers, body },
      response: { status: response.status, headers: answerHeaders, body: response.data ?? response.content }
    })
  })
}

export function redactDeep<T>(value: T, secrets: (string | undefined)[]): T {
  const real = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4)
  if (real.length === 0) return value
  const text = JSON.stringify(value)
  if (text === undefined) return value
  const clean = real.reduce((out, secret) => out.split(JSON.stringify(secret).slice(1, -1)).join('[redacted]'), text)
  return JSON.parse(clean) as T
}
