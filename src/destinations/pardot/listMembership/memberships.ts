import { IntegrationError } from '@segment/actions-core'
import type { PardotClient } from '../pardot-client'
import type { PardotList } from '../pardot-client-lists'
import { TtlCache } from '../ttl-cache'

// A list's kind does not change, and a deleted list rarely comes back: checking each list once per
// 10 minutes keeps the check from costing one of the business unit's daily API calls per event.
const lists = new TtlCache<PardotList | undefined>(10 * 60 * 1000)

/** The list, when it exists and is static; otherwise the final error that says which and what to do. */
export async function staticList(client: PardotClient, id: number): Promise<PardotList> {
  const { apiHost, businessUnitId } = client.context
  const list = await lists.get(`${apiHost} ${businessUnitId} ${id}`, () => client.getList(id))
  if (!list) {
    throw new IntegrationError(
      `Pardot has no list with id ${id} in business unit ${businessUnitId}. Choose a list from the List dropdown (a deleted list must be restored from the recycle bin first).`,
      'PARDOT_LIST_NOT_FOUND',
      404
    )
  }
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
  const upserted = await client.upsertProspectByEmail({ matchEmail: email, prospect: { email }, fields: ['id'] })
  const prospectId = Number(upserted.data?.id)
  if (!Number.isSafeInteger(prospectId) || prospectId <= 0) {
    throw new IntegrationError(
      'Pardot found or created the prospect but did not answer its id, so it cannot be added to the list; the event will be retried.',
      'PARDOT_NO_PROSPECT_ID',
      502
    )
  }
  const result = await client.addListMembership({
    listId,
    prospectId,
    ...(optedOut === undefined ? {} : { optedOut })
  })
  return { operation: 'add' as const, listId, prospectId, result }
}

/** Every prospect with the email leaves the list; no prospect or no membership means nothing to do. */
export async function removeFromList(client: PardotClient, email: string, listId: number) {
  const prospectIds = await client.findProspectIds({ email })
  const removed: number[] = []
  for (const prospectId of prospectIds) {
    for (const membership of await client.listMemberships(listId, prospectId)) {
      if ((await client.removeListMembership(membership.id)) === 'removed') removed.push(membership.id)
    }
  }
  return { operation: 'remove' as const, listId, prospectIds, removedMemberships: removed }
}
