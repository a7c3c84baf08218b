/** Pardot API v5 lists: read one, page through them (the List dropdown), read them all, create a static one. */
import type { PardotClient } from './pardot-client'
import { pageAsText, queryAll } from './pardot-client-paging'
import { PARDOT_API_PREFIX } from './versioning-info'

export const LISTS_PATH = `${PARDOT_API_PREFIX}/objects/lists`
const LIST_FIELDS = 'id,name,isDynamic'

export interface PardotList {
  id: number
  name: string
  /** Criteria-driven lists: Pardot fills them itself, the API cannot add or remove members. */
  isDynamic: boolean
}

/** What a list is created with; the API makes static lists only. */
export interface NewList {
  name: string
  /** Shown to prospects on the email preference center. */
  isPublic: boolean
}

/** A Pardot list id written as text (the List dropdown's value, an audience's external id): a positive whole number. */
export function parseListId(text: string): number | undefined {
  const trimmed = text.trim()
  const id = Number(trimmed)
  return /^\d+$/.test(trimmed) && Number.isSafeInteger(id) && id > 0 ? id : undefined
}

/** The list with that id, or undefined when this business unit has none. */
export async function getList(client: PardotClient, id: number): Promise<PardotList | undefined> {
  const response = await client.sendUnless<PardotList>('not-found', 'GET', `${LISTS_PATH}/${id}`, {
    searchParams: { fields: LIST_FIELDS }
  })
  return response?.data
}

/**
 * One page of the business unit's lists. `page` is the previous page's `nextPage`: the path and query of
 * Pardot's nextPageUrl, or its token when Pardot sent no URL (opaque to the mapping UI, which hands it back).
 */
export function listsPage(client: PardotClient, page?: string): Promise<{ values: PardotList[]; nextPage?: string }> {
  return pageAsText<PardotList>(client, LISTS_PATH, { fields: LIST_FIELDS }, page)
}

/** Every list of the business unit, all pages read (with queryAll's loop and page-count guards) before any is used. */
export function allLists(client: PardotClient): Promise<PardotList[]> {
  return queryAll<PardotList>(client, LISTS_PATH, { fields: LIST_FIELDS })
}

/** A new static list; the answer holds its id, name and kind. */
export async function createList(client: PardotClient, body: NewList): Promise<PardotList> {
  const response = await client.send<PardotList>('POST', LISTS_PATH, {
    json: body,
    searchParams: { fields: LIST_FIELDS }
  })
  return response.data
}
