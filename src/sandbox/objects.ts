import { businessUnitOf } from './business-unit'
import { PardotFault, type RequestInfo } from './http'
import type { Reply } from '../http/reply'

/** What every v5 object endpoint shares: JSON object bodies, the required `fields` parameter, paged queries. */

export function objectBody(r: RequestInfo): Record<string, unknown> {
  const body = r.json()
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PardotFault(150, 'The request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

export function fieldList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String)
  if (typeof value === 'string' && value !== '') return value.split(',')
  return undefined
}

export function requiredFields(r: RequestInfo): string[] {
  const fields = fieldList(pageQuery(r).query.get('fields'))
  if (!fields) throw new PardotFault(13, 'One or more required parameters are missing')
  return fields
}

/**
 * One page of `matches` (`limit`, default 200, at most 1000), with the token and URL of the next one. As Pardot's
 * docs say, a request with `nextPageToken` may carry `fields` and nothing else: the token itself remembers the query
 * (filters, `limit`, where the next page starts), so a filter beside it is refused rather than read. `matches` must
 * already be filtered by the query the token names: call `pageQuery` first and filter by what it returns.
 */
export function page<T>(r: RequestInfo, path: string, matches: T[], present: (item: T) => unknown): Reply {
  const { query, offset } = pageQuery(r)
  const limit = Math.min(Number(query.get('limit') ?? 200) || 200, 1000)
  const more = offset + limit < matches.length
  const token = more ? encodeToken(r, query, offset + limit) : null
  const next = token === null ? null : new URLSearchParams({ nextPageToken: token })
  if (next && query.has('fields')) next.set('fields', query.get('fields') ?? '')
  return {
    status: 200,
    body: {
      values: matches.slice(offset, offset + limit).map(present),
      nextPageToken: token,
      // Pardot answers an absolute URL on its own host; the token carries the filters, so the URL need not.
      nextPageUrl: next ? `https://${r.host}${path}?${next.toString()}` : null
    }
  }
}

/**
 * The query a request stands for: its own parameters, or (with `nextPageToken`) the first page's parameters the
 * token remembers, with `fields` from the request when it names them. Refuses any other parameter beside a token
 * with HTTP 400; Pardot documents the 400 but no code, so the sandbox uses the registry's "Invalid query
 * parameters" (5). An unreadable token is the registry's 211, "Page token is invalid", and so is a token given for
 * another endpoint or business unit: the token names one query of one business unit, and read elsewhere its filters
 * would be applied to records they were never meant for.
 */
export function pageQuery(r: RequestInfo): { query: URLSearchParams; offset: number } {
  const token = r.query.get('nextPageToken')
  if (token === null) return { query: r.query, offset: 0 }
  const extra = [...new Set([...r.query.keys()])].filter((name) => name !== 'nextPageToken' && name !== 'fields')
  if (extra.length > 0) {
    throw new PardotFault(
      5,
      `Invalid query parameters: only fields may be sent with nextPageToken, not ${extra.join(', ')}`
    )
  }
  const decoded = decodeToken(token)
  if (!decoded || decoded.path !== r.path || decoded.businessUnit !== businessUnitOf(r)) {
    throw new PardotFault(211, 'Page token is invalid.')
  }
  const fields = r.query.get('fields')
  if (fields !== null) decoded.query.set('fields', fields)
  return decoded
}

function encodeToken(r: RequestInfo, query: URLSearchParams, offset: number): string {
  const kept = [...query.entries()].filter(([name]) => name !== 'nextPageToken')
  return Buffer.from(JSON.stringify({ p: r.path, b: businessUnitOf(r), q: kept, o: offset })).toString('base64url')
}

interface DecodedToken {
  path: string
  businessUnit: string
  query: URLSearchParams
  offset: number
}

function decodeToken(token: string): DecodedToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>
    const { p: path, b: businessUnit, q: pairs, o: offset } = parsed
    if (typeof path !== 'string' || typeof businessUnit !== 'string') return undefined
    if (!Array.isArray(pairs) || !Number.isSafeInteger(offset) || (offset as number) < 0) return undefined
    if (!pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'string')))
      return undefined
    return { path, businessUnit, query: new URLSearchParams(pairs as [string, string][]), offset: offset as number }
  } catch {
    return undefined
  }
}

/** Picks the requested fields of a record; fields it does not have are null, as Pardot answers them. */
export function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((name) => [name, record[name] ?? null]))
}
