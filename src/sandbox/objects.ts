import { PardotFault, type Reply, type RequestInfo } from './http'

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
  const fields = fieldList(r.query.get('fields'))
  if (!fields) throw new PardotFault(13, 'The "fields" parameter is required')
  return fields
}

/** One page of `matches` (`limit`, default 200, at most 1000), with the token and URL of the next one. */
export function page<T>(r: RequestInfo, path: string, matches: T[], present: (item: T) => unknown): Reply {
  const limit = Math.min(Number(r.query.get('limit') ?? 200) || 200, 1000)
  const offset = Number(r.query.get('nextPageToken') ?? 0) || 0
  const more = offset + limit < matches.length
  const next = new URLSearchParams(r.query)
  next.set('nextPageToken', String(offset + limit))
  return {
    status: 200,
    body: {
      values: matches.slice(offset, offset + limit).map(present),
      nextPageToken: more ? String(offset + limit) : null,
      nextPageUrl: more ? `${path}?${next.toString()}` : null
    }
  }
}

/** Picks the requested fields of a record; fields it does not have are null, as Pardot answers them. */
export function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((name) => [name, record[name] ?? null]))
}
