import {
  IntegrationError,
  type AudienceDestinationDefinition,
  type GlobalSetting,
  type RequestClient
} from '@segment/actions-core'
import type { AudienceSettings, Settings } from './generated-types'
import { PardotClient } from './pardot-client'
import { allLists, createList, getList, parseListId, type PardotList } from './pardot-client-lists'

// actions-core's root does not export the audience input types; they are read off the definition type.
type Config = Extract<
  AudienceDestinationDefinition<Settings, AudienceSettings>['audienceConfig'],
  { createAudience: unknown }
>
type CreateInput = Parameters<Config['createAudience']>[1]
type GetInput = Parameters<Config['getAudience']>[1]
type AudienceResult = Awaited<ReturnType<Config['getAudience']>>

/**
 * Segment audiences as static Pardot lists, the way Segment's audience destinations work: when an audience is
 * connected, `createAudience` finds or makes its list and hands back the list id, which the platform then puts on
 * every event of that audience (`context.personas.external_audience_id`) for the List Membership action.
 */

export const audienceFields: Record<string, GlobalSetting> = {
  listName: {
    label: 'List Name',
    description:
      "The name of the static Pardot list this audience fills. Leave empty to use the audience's name. A static list with this name (ignoring case) is used if there is one; otherwise one is created.",
    type: 'string',
    required: false
  },
  isPublic: {
    label: 'Public List',
    description:
      'Whether a list created for this audience is public: prospects see public lists on the email preference center. A list that already exists is left as it is.',
    type: 'boolean',
    default: false
  }
}

/** The static list named after the audience (or its List Name setting): an existing one adopted, or a new one. */
export async function createAudience(request: RequestClient, input: CreateInput): Promise<AudienceResult> {
  const client = new PardotClient(request, input.settings, input.statsContext)
  const name = (input.audienceSettings?.listName ?? '').trim() || (input.audienceName ?? '').trim()
  if (!name) {
    throw new IntegrationError(
      'The audience has no name and its List Name setting is empty, so there is no Pardot list to find or create. Set List Name.',
      'MISSING_LIST_NAME',
      400
    )
  }
  // Every page is read before deciding: a decision on a partial answer could create a second list of the name.
  const named = sameName(await allLists(client), name)
  // The same static list every time, whichever page Pardot answered it on: the exact spelling, else the oldest.
  const adopted = named.find((list) => !list.isDynamic)
  if (adopted) {
    client.metrics.audience('adopted')
    return { externalId: String(adopted.id) }
  }
  if (named.length > 0) {
    throw new IntegrationError(
      `The Pardot list "${name}" (id ${named[0].id}) is a dynamic list: Pardot fills it by its criteria and the API cannot change its members, so it cannot hold this audience. Set List Name to another name (a static list of that name is used, or created), or rename the dynamic list in Pardot.`,
      'PARDOT_DYNAMIC_LIST',
      400
    )
  }
  const created = await createList(client, { name, isPublic: input.audienceSettings?.isPublic ?? false })
  client.metrics.audience('created')
  return { externalId: String(created.id) }
}

/** The audience's list is still there, and still static. */
export async function getAudience(request: RequestClient, input: GetInput): Promise<AudienceResult> {
  const client = new PardotClient(request, input.settings, input.statsContext)
  const text = String(input.externalId ?? '').trim()
  const id = parseListId(text)
  if (id === undefined) {
    throw new IntegrationError(
      `The audience's list id "${text}" is not a Pardot list id (a whole number).`,
      'INVALID_LIST_ID',
      400
    )
  }
  const list = await getList(client, id)
  if (!list) {
    client.metrics.audience('gone')
    throw new IntegrationError(
      `Pardot has no list with id ${id} in business unit ${client.context.businessUnitId} any more: it was deleted (restore it from the recycle bin) or the business unit changed. Reconnect the audience to create a new list.`,
      'PARDOT_LIST_NOT_FOUND',
      404
    )
  }
  if (list.isDynamic) {
    throw new IntegrationError(
      `The Pardot list "${list.name}" (id ${id}) is now a dynamic list; the API cannot change its members. Reconnect the audience to use a static list.`,
      'PARDOT_DYNAMIC_LIST',
      400
    )
  }
  client.metrics.audience('found')
  return { externalId: String(list.id) }
}

/**
 * The lists whose name is this one, ignoring case and surrounding spaces, exact spellings first, then oldest first.
 * Pardot does not document list names as unique or how it compares them, and a person reads `customers` and
 * `Customers` as the same list: adopting it beats a second list whose members an operator would have to merge.
 */
function sameName(lists: PardotList[], name: string): PardotList[] {
  const key = name.toLowerCase()
  const exact = (list: PardotList) => (list.name?.trim() === name ? 0 : 1)
  return lists
    .filter((list) => typeof list.name === 'string' && list.name.trim().toLowerCase() === key)
    .sort((a, b) => exact(a) - exact(b) || a.id - b.id)
}

/** Segment sends changes as they happen (entered, exited), not the whole audience each time. */
export const AUDIENCE_MODE: Config['mode'] = { type: 'synced', full_audience_sync: false }
