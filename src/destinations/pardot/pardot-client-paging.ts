/** Pardot API v5 query paging (docs/pardot-api.md, "Paging"): one page, or every page of a query. */
import { IntegrationError, RetryableError } from '@segment/actions-core'
import type { PardotClient } from './pardot-client'
import { PARDOT_API_PREFIX } from './versioning-info'

/** A v5 query answer as Pardot sends it: one page of records, and the token and URL of the next page (null on the last). */
export interface QueryAnswer<T> {
  values?: T[]
  nextPageToken?: string | null
  nextPageUrl?: string | null
}

/** Where the next page is: Pardot's nextPageUrl as a `/api/v5/…` path and query (asked for on our own API host), else its token. */
export type NextPage = { path: string } | { token: string }

/** One page of a query as the client hands it on; `next` is absent on the last page. */
export interface QueryPage<T> {
  values: T[]
  next?: NextPage
}

const V5_PREFIX = `${PARDOT_API_PREFIX}/`
/** 1,000 pages of up to 200 records: no query of this destination (one email, one list) comes near it. */
const MAX_QUERY_PAGES = 1000

/**
 * One page of a v5 query: the first with `filters`; a later one at the path and query of Pardot's nextPageUrl,
 * asked for on our own API host (the URL's host is never used: the token and business unit go only to the
 * configured host), or, when Pardot gave no usable URL, with the token and `fields` alone: v5 refuses any other
 * parameter beside a token, because the token already holds the query (docs/pardot-api.md, "Paging").
 */
export async function queryPage<T>(
  client: PardotClient,
  path: string,
  filters: Record<string, string>,
  next?: NextPage
): Promise<QueryPage<T>> {
  const response =
    next && 'path' in next
      ? await client.send<QueryAnswer<T>>('GET', v5PathAndQuery(next.path) ?? badNextPage(path, next.path), {})
      : await client.send<QueryAnswer<T>>('GET', path, {
          searchParams: next ? { fields: filters.fields, nextPageToken: next.token } : filters
        })
  const answer = response.data as QueryAnswer<T> | undefined
  const values = Array.isArray(answer?.values) ? answer.values : []
  const url = typeof answer?.nextPageUrl === 'string' && answer.nextPageUrl !== '' ? answer.nextPageUrl : undefined
  const token =
    typeof answer?.nextPageToken === 'string' && answer.nextPageToken !== '' ? answer.nextPageToken : undefined
  const nextPath = url === undefined ? undefined : v5PathAndQuery(url)
  if (nextPath !== undefined) return { values, next: { path: nextPath } }
  if (token !== undefined) return { values, next: { token } }
  // A next page we cannot reach must not pass for the last one: deleting what a partial answer holds is wrong.
  if (url !== undefined) badNextPage(path, url)
  return { values }
}

/**
 * One page for a caller that hands the next page back as text (the mapping UI's dropdowns): `page` is the previous
 * page's `nextPage`, the path and query of Pardot's nextPageUrl, or its token when Pardot sent no URL.
 */
export async function pageAsText<T>(
  client: PardotClient,
  path: string,
  filters: Record<string, string>,
  page?: string
): Promise<{ values: T[]; nextPage?: string }> {
  const after = page === undefined ? undefined : page.startsWith(V5_PREFIX) ? { path: page } : { token: page }
  const { values, next } = await queryPage<T>(client, path, filters, after)
  return next ? { values, nextPage: 'path' in next ? next.path : next.token } : { values }
}

/** Every page of a query, read before the caller acts on any; a paging that does not end is an error. */
export async function queryAll<T>(client: PardotClient, path: string, filters: Record<string, string>): Promise<T[]> {
  const all: T[] = []
  const seen = new Set<string>()
  let next: NextPage | undefined
  for (let pages = 1; ; pages++) {
    const page: QueryPage<T> = await queryPage<T>(client, path, filters, next)
    all.push(...page.values)
    if (!page.next) return all
    next = page.next
    const key = 'path' in next ? `url ${next.path}` : `token ${next.token}`
    if (seen.has(key)) {
      throw new RetryableError(
        `Pardot's paging of ${path} went in a circle: page ${pages} named as the next page one that was already read. Reading stopped there rather than act on a partial answer; the event will be retried.`,
        502
      )
    }
    seen.add(key)
    if (pages >= MAX_QUERY_PAGES) {
      throw new IntegrationError(
        `Pardot's answer to ${path} ran past ${MAX_QUERY_PAGES} pages, far more than any query of this destination should return. Reading stopped there rather than act on a partial answer.`,
        'PARDOT_TOO_MANY_PAGES',
        400
      )
    }
  }
}

/**
 * The path and query of a next-page URL, when its path is on Pardot API v5; undefined otherwise. Only these are
 * kept (a relative URL resolves against a placeholder host that is then dropped), and the URL parser has already
 * resolved any `..` in the path, so what is asked for stays under /api/v5/ on our host.
 */
function v5PathAndQuery(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url, 'https://next-page.invalid')
  } catch {
    return undefined
  }
  return parsed.pathname.startsWith(V5_PREFIX) ? `${parsed.pathname}${parsed.search}` : undefined
}

function badNextPage(path: string, url: string): never {
  const shown = url.length > 120 ? `${url.slice(0, 120)}…` : url
  throw new RetryableError(
    `Pardot answered ${path} with a next page that is not a Pardot API v5 address ("${shown}"), so it was not followed. Reading stopped there rather than act on a partial answer; the event will be retried.`,
    502
  )
}
