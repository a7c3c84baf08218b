import { IntegrationError, RetryableError } from '@segment/actions-core'
import { isNotFound } from '../errors'
import type { PardotClient } from '../pardot-client'
import { addListMembership, listMemberships, removeListMembership } from '../pardot-client-list-memberships'
import { getList, type PardotList } from '../pardot-client-lists'
import { findProspectIds, upsertProspectByEmail } from '../pardot-client-prospects'
import { ReadCache } from '../read-cache'

// A list's kind does not change: checking each list once per 10 minutes keeps the check from costing one of
// the business unit's daily API calls per event. Only lists that exist are kept: a "not found" is not cached
// (the cache forgets a failed read), so a list restored from the recycle bin works with the next event.
const lists = new ReadCache<PardotList>(10 * 60 * 1000)

const cacheKey = (client: PardotClient, id: number) =>
  `${client.context.apiHost} ${client.context.businessUnitId} ${id}`

function listNotFound(client: PardotClient, id: number): IntegrationError {
  return new IntegrationError(
    `Pardot has no list with id ${id} in business unit ${client.context.businessUnitId}. Choose a list from the List dropdown (a deleted list must be restored from the recycle bin first).`,
    'PARDOT_LIST_NOT_FOUND',
    404
  )
}

/** The list, when it exists and is static; otherwise the final error that says which and what to do. */
export async function staticList(client: PardotClient, id: number): Promise<PardotList> {
  const list = await lists.get(
    cacheKey(client, id),
    async () => {
      const found = await getList(client, id)
      if (!found) throw listNotFound(client, id)
      return found
    },
    (hit) => client.metrics.cache('lists', hit)
  )
  if (list.isDynamic) {
    throw new IntegrationError(
      `The Pardot list "${list.name}" (id ${id}) is a dynamic list: Pardot adds and removes its members by the list's criteria, and the API cannot change them. Choose a static list.`,
      'PARDOT_DYNAMIC_LIST',
      400
    )
  }
  return list
}

/** Finds or creates the prospect (upsert asking only for its id), then makes it a member; already a member is done. */
export async function addToList(client: PardotClient, email: string, listId: number, optedOut?: boolean) {
  const upserted = await upsertProspectByEmail(client, { matchEmail: email, prospect: { email }, fields: ['id'] })
  const prospectId = Number(upserted.data?.id)
  if (!Number.isSafeInteger(prospectId) || prospectId <= 0) {
    throw new IntegrationError(
      'Pardot found or created the prospect but did not answer its id, so it cannot be added to the list; the event will be retried.',
      'PARDOT_NO_PROSPECT_ID',
      502
    )
  }
  let result
  try {
    result = await addListMembership(client, { listId, prospectId, ...(optedOut === undefined ? {} : { optedOut }) })
  } catch (error) {
    if (!isNotFound(error)) throw error
    throw await membershipNotFound(client, listId, prospectId)
  }
  return { operation: 'add' as const, listId, prospectId, result }
}

/**
 * Pardot answered "not found" to the membership, so the list (remembered as existing) or the prospect is gone.
 * The list is read again to tell which: a list deleted since is the final list error; a prospect just found or
 * created but not found yet is Pardot's reads lagging its writes, which passes, so that is retried.
 */
async function membershipNotFound(client: PardotClient, listId: number, prospectId: number): Promise<Error> {
  lists.delete(cacheKey(client, listId))
  try {
    await staticList(client, listId)
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
  return new RetryableError(
    `Pardot did not find prospect ${prospectId}, which it had just found or created, when adding it to list ${listId} (its reads can lag its writes by up to a minute); the event will be retried.`,
    503
  )
}

/** Every prospect with exactly the email leaves the list; no prospect or no membership means nothing to do. */
export async function removeFromList(client: PardotClient, email: string, listId: number) {
  const prospectIds = await findProspectIds(client, { email })
  const removed: number[] = []
  for (const prospectId of prospectIds) {
    for (const membership of await listMemberships(client, listId, prospectId)) {
      if ((await removeListMembership(client, membership.id)) === 'removed') removed.push(membership.id)
    }
  }
  return { operation: 'remove' as const, listId, prospectIds, removedMemberships: removed }
}
