/** Pardot API v5 request and answer shapes for lists, list memberships and custom fields (used by PardotClient). */
import { PARDOT_API_PREFIX } from './versioning-info'

export const LISTS_PATH = `${PARDOT_API_PREFIX}/objects/lists`
export const LIST_MEMBERSHIPS_PATH = `${PARDOT_API_PREFIX}/objects/list-memberships`
export const CUSTOM_FIELDS_PATH = `${PARDOT_API_PREFIX}/objects/custom-fields`

/** A v5 query answer as Pardot sends it: one page of records, and the token and URL of the next page (null on the last). */
export interface QueryAnswer<T> {
  values?: T[]
  nextPageToken?: string | null
  nextPageUrl?: string | null
}

/** Where the next page is: Pardot's nextPageUrl as a `/api/v5/…` path and query (asked for on our own API host), else its token. */
export type NextPage = { path: string } | { token: string }

/** One page of a query as PardotClient hands it on; `next` is absent on the last page. */
export interface QueryPage<T> {
  values: T[]
  next?: NextPage
}

/** A Pardot list id written as text (the List dropdown's value, an audience's external id): a positive whole number. */
export function parseListId(text: string): number | undefined {
  const trimmed = text.trim()
  const id = Number(trimmed)
  return /^\d+$/.test(trimmed) && Number.isSafeInteger(id) && id > 0 ? id : undefined
}

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

export interface ListMembership {
  id: number
  listId: number
  prospectId: number
}

export interface ListMembershipBody {
  listId: number
  prospectId: number
  optedOut?: boolean
}

export interface CustomField {
  id: number
  name: string
  /** The API name without `__c`: the prospect property is `<fieldId>__c`. */
  fieldId: string
  /** As Pardot lists it: `Text`, `Number`, `Date`, `Multi-Select`, `Checkbox`, `Dropdown`, … */
  type: string
}
