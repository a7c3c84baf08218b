import { PardotFault, type Handler, type RequestInfo, type SandboxRouter } from './http'
import { type Reply } from '../http/reply'
import type { StoredList, StoredListMembership } from './list-store'
import { objectBody, page, pageQuery, pick, requiredFields } from './objects'
import type { SandboxState } from './state'

const LISTS = '/api/v5/objects/lists'
const MEMBERSHIPS = '/api/v5/objects/list-memberships'

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id
const asRecord = (item: StoredList | StoredListMembership) => item as unknown as Record<string, unknown>
const notFound = () => new PardotFault(109, 'The requested record was not found.', 404)

/** What every list endpoint works with. */
interface Lists {
  state: SandboxState
  businessUnit: (r: RequestInfo) => string
}

type ListHandler = (c: Lists, r: RequestInfo) => Reply

/**
 * Lists and list memberships of Pardot API v5: a prospect is on a static list at most once (code 58
 * on a second add); dynamic lists are filled by their criteria and refuse API writes.
 */
export function listRoutes(router: SandboxRouter, state: SandboxState, businessUnit: (r: RequestInfo) => string): void {
  const c: Lists = { state, businessUnit }
  const on =
    (handler: ListHandler): Handler =>
    (r) =>
      handler(c, r)
  router
    .add('GET', LISTS, on(queryLists))
    .add('POST', LISTS, on(createList))
    .add('GET', `${LISTS}/:id`, on(readList))
    .add('POST', MEMBERSHIPS, on(createMembership))
    .add('GET', MEMBERSHIPS, on(queryMemberships))
    .add('GET', `${MEMBERSHIPS}/:id`, on(readMembership))
    .add('DELETE', `${MEMBERSHIPS}/:id`, on(deleteMembership))
}

/** The caller's business unit's lists. */
function listsOf({ state, businessUnit }: Lists, r: RequestInfo): StoredList[] {
  return [...state.lists.values()].filter((l) => l.businessUnitId === businessUnit(r))
}

function membershipsOf({ state, businessUnit }: Lists, r: RequestInfo): StoredListMembership[] {
  return [...state.listMemberships.values()].filter((m) => m.businessUnitId === businessUnit(r))
}

function queryLists(c: Lists, r: RequestInfo): Reply {
  const fields = requiredFields(r)
  return page(r, LISTS, listsOf(c, r).sort(byId), (l) => pick(asRecord(l), fields))
}

/** A property left out or sent as null: missing (code 153), where a value of the wrong kind is invalid (154). */
const absent = (value: unknown) => value === undefined || value === null

/**
 * Creating a list: `name` is required; a list made through the API is static (a dynamic list's criteria are set in
 * Pardot's own pages). Pardot does not say it refuses a second list of the same name, so neither does this.
 */
function createList({ state, businessUnit }: Lists, r: RequestInfo): Reply {
  const fields = requiredFields(r)
  const { name, isPublic, isDynamic, description } = objectBody(r)
  if (absent(name) || (typeof name === 'string' && name.trim() === '')) throw new PardotFault(153, 'name is required')
  if (typeof name !== 'string') throw new PardotFault(154, 'Invalid string for name')
  if (isPublic !== undefined && typeof isPublic !== 'boolean') {
    throw new PardotFault(154, 'Invalid boolean for isPublic')
  }
  if (isDynamic === true) throw new PardotFault(154, 'Dynamic lists cannot be created through the API')
  if (description !== undefined && typeof description !== 'string') {
    throw new PardotFault(154, 'Invalid string for description')
  }
  const list = state.lists.create({
    businessUnitId: businessUnit(r),
    name,
    ...(isPublic === undefined ? {} : { isPublic }),
    ...(description === undefined ? {} : { description })
  })
  return { status: 201, body: pick(asRecord(list), fields) }
}

function readList(c: Lists, r: RequestInfo): Reply {
  const fields = requiredFields(r)
  const list = listsOf(c, r).find((l) => String(l.id) === r.params.id)
  if (!list) throw notFound()
  return { status: 200, body: pick(asRecord(list), fields) }
}

function createMembership(c: Lists, r: RequestInfo): Reply {
  const { state, businessUnit } = c
  const fields = requiredFields(r)
  const { listId, prospectId, optedOut } = objectBody(r)
  if (absent(listId) || absent(prospectId)) throw new PardotFault(153, 'listId and prospectId are required')
  if (!Number.isInteger(listId) || !Number.isInteger(prospectId)) {
    throw new PardotFault(154, 'listId and prospectId must be integers')
  }
  if (optedOut !== undefined && typeof optedOut !== 'boolean') {
    throw new PardotFault(154, 'Invalid boolean for optedOut')
  }
  const list = listsOf(c, r).find((l) => l.id === listId)
  const prospect = state.prospects.get(prospectId as number)
  if (!list || !prospect || prospect.businessUnitId !== businessUnit(r) || prospect.isDeleted) throw notFound()
  // Which code Pardot gives a write to a dynamic list is not documented; the destination checks the list first.
  if (list.isDynamic) throw new PardotFault(180, 'The memberships of a dynamic list cannot be changed')
  if (membershipsOf(c, r).some((m) => m.listId === listId && m.prospectId === prospectId)) {
    throw new PardotFault(58, 'That prospect is already a member of that list. Update the membership instead.')
  }
  const membership = state.listMemberships.create({
    businessUnitId: businessUnit(r),
    listId: list.id,
    prospectId: prospect.id,
    optedOut: optedOut ?? false
  })
  return { status: 201, body: pick(asRecord(membership), fields) }
}

function queryMemberships(c: Lists, r: RequestInfo): Reply {
  const fields = requiredFields(r)
  const q = pageQuery(r).query
  const matches = membershipsOf(c, r)
    .filter((m) => !q.has('listId') || String(m.listId) === q.get('listId'))
    .filter((m) => !q.has('prospectId') || String(m.prospectId) === q.get('prospectId'))
    .sort(byId)
  return page(r, MEMBERSHIPS, matches, (m) => pick(asRecord(m), fields))
}

function readMembership(c: Lists, r: RequestInfo): Reply {
  const fields = requiredFields(r)
  const membership = membershipsOf(c, r).find((m) => String(m.id) === r.params.id)
  if (!membership) throw notFound()
  return { status: 200, body: pick(asRecord(membership), fields) }
}

function deleteMembership(c: Lists, r: RequestInfo): Reply {
  const membership = membershipsOf(c, r).find((m) => String(m.id) === r.params.id)
  if (!membership) throw notFound()
  c.state.listMemberships.delete(membership.id)
  return { status: 204 }
}
