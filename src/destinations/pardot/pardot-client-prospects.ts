/** Pardot API v5 prospects: upsert by email, update by id, find by email or Salesforce ID, delete, and the probe. */
import type { AnswerHint } from './errors'
import { checkEmail } from './email'
import type { PardotClient } from './pardot-client'
import { queryAll } from './pardot-client-paging'
import { PARDOT_API_PREFIX } from './versioning-info'

export type ProspectValue = string | number | boolean | null
export type ProspectFields = Record<string, ProspectValue>

export interface UpsertByEmailBody {
  matchEmail: string
  prospect: ProspectFields
  secondaryDeletedSearch?: boolean
  fields?: string[]
}

export const PROSPECTS_PATH = `${PARDOT_API_PREFIX}/objects/prospects`
export const UPSERT_BY_EMAIL_PATH = `${PROSPECTS_PATH}/do/upsertLatestByEmail`

export async function upsertProspectByEmail(client: PardotClient, body: UpsertByEmailBody) {
  const response = await client.send<ProspectFields>('POST', UPSERT_BY_EMAIL_PATH, { json: body })
  client.metrics.upserted()
  return response
}

/**
 * PATCH: the fields given change, every other field stays as it is. `hint`: the updating action's reading of a
 * "not found" or "deleted" answer (prospects/answer-hints.ts).
 */
export function updateProspect(client: PardotClient, prospectId: number, fields: ProspectFields, hint?: AnswerHint) {
  return client.send<unknown>('PATCH', `${PROSPECTS_PATH}/${prospectId}`, { json: fields }, hint)
}

/**
 * The ids of every prospect (not in the recycle bin) matching the filter, across all pages. By email, only the
 * prospects whose answered email is exactly the one asked for (case-sensitive, as Pardot matches): callers
 * delete and remove what this returns, so a filter Pardot ignored or read loosely must not widen it.
 */
export async function findProspectIds(
  client: PardotClient,
  filter: { email: string } | { salesforceId: string }
): Promise<number[]> {
  if ('salesforceId' in filter) {
    const found = await queryAll<{ id: number }>(client, PROSPECTS_PATH, { fields: 'id', ...filter })
    return found.map((p) => p.id).filter(isId)
  }
  const { email } = filter
  checkEmail(email)
  const found = await queryAll<{ id: number; email?: unknown }>(client, PROSPECTS_PATH, { fields: 'id,email', email })
  return found
    .filter((p) => p.email === email)
    .map((p) => p.id)
    .filter(isId)
}

/** Moves the prospect to the recycle bin; one already gone counts as done. */
export async function deleteProspect(client: PardotClient, prospectId: number): Promise<void> {
  await client.sendUnless<unknown>('not-found', 'DELETE', `${PROSPECTS_PATH}/${prospectId}`, {})
}

/** The cheapest authenticated v5 read (Test Connection): proves host, business unit, token and scope at once. */
export function probe(client: PardotClient) {
  return client.send<unknown>('GET', PROSPECTS_PATH, { searchParams: { fields: 'id', limit: '1' } })
}

function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
}
