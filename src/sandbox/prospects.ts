import { PardotFault, type RequestInfo, type SandboxRouter } from './http'
import { type Reply } from '../http/reply'
import { fieldList, objectBody, page, pageQuery, requiredFields } from './objects'
import {
  BOOLEAN_FIELDS,
  fieldKind,
  NUMBER_FIELDS,
  type SandboxProspectFields,
  type SandboxProspectValue
} from './prospect-spec'
import type { StoredProspect } from './prospect-store'
import type { SandboxState } from './state'

const PROSPECTS = '/api/v5/objects/prospects'
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const MAX_TEXT = 255
const TEXT_AREAS = new Set(['comments', 'notes'])
const QUERY_FILTERS = ['email', 'salesforceId', 'idList', 'idGreaterThan', 'idLessThan', 'createdAfter', 'updatedAfter']

/** Prospect endpoints of Pardot API v5, with upsert-by-email semantics (case-sensitive, latest activity wins). */
export function prospectRoutes(
  router: SandboxRouter,
  state: SandboxState,
  businessUnit: (r: RequestInfo) => string
): void {
  const mine = (r: RequestInfo) => {
    const bu = businessUnit(r)
    return [...state.prospects.values()].filter((p) => p.businessUnitId === bu)
  }
  const find = (r: RequestInfo): StoredProspect => {
    const prospect = state.prospects.get(Number(r.params.id))
    if (!prospect || prospect.businessUnitId !== businessUnit(r))
      throw new PardotFault(109, 'The requested record was not found.', 404)
    return prospect
  }

  router
    .add('POST', `${PROSPECTS}/do/upsertLatestByEmail`, (r) => {
      const body = objectBody(r)
      const matchEmail = body.matchEmail
      if (typeof matchEmail !== 'string' || matchEmail === '')
        throw new PardotFault(153, 'Missing required property in request')
      if (!EMAIL.test(matchEmail)) throw new PardotFault(4, 'Invalid prospect email address')
      const fields = checkFields(state, body.prospect ?? {})
      const { prospect } = upsertByEmail(
        state,
        businessUnit(r),
        matchEmail,
        fields,
        body.secondaryDeletedSearch === true
      )
      return { status: 200, body: present(prospect, fieldList(body.fields) ?? ['id', 'email']) }
    })
    .add('POST', PROSPECTS, (r) => {
      // Every check before the write: a refused create stores nothing, as Pardot's does.
      const answerFields = requiredFields(r)
      const fields = checkFields(state, objectBody(r))
      if (typeof fields.email !== 'string') throw new PardotFault(4, 'Invalid prospect email address')
      const prospect = state.prospects.create(businessUnit(r), fields)
      return { status: 201, body: present(prospect, answerFields) }
    })
    .add('GET', `${PROSPECTS}/:id`, (r) => ({ status: 200, body: present(find(r), requiredFields(r)) }))
    .add('PATCH', `${PROSPECTS}/:id`, (r) => {
      const prospect = find(r)
      if (prospect.isDeleted)
        throw new PardotFault(219, "Deleted records can't be updated. Please undelete before updating.")
      state.prospects.write(prospect, checkFields(state, objectBody(r)))
      const fields = fieldList(r.query.get('fields'))
      return fields ? { status: 200, body: present(prospect, fields) } : { status: 204 }
    })
    .add('DELETE', `${PROSPECTS}/:id`, (r) => {
      find(r).isDeleted = true
      return { status: 204 }
    })
    .add('GET', PROSPECTS, (r) => query(r, mine(r)))
}

/**
 * Pardot's upsert semantics, shared by upsertLatestByEmail and imports: the live prospect with the
 * latest activity wins; with `searchDeleted`, a deleted one is restored when no live one exists.
 */
export function upsertByEmail(
  state: SandboxState,
  businessUnitId: string,
  matchEmail: string,
  fields: SandboxProspectFields,
  searchDeleted: boolean
): { prospect: StoredProspect; created: boolean } {
  const withEmail = state.prospects.withEmail(businessUnitId, matchEmail)
  const latest = (list: StoredProspect[]) => list.sort((a, b) => b.lastActivity - a.lastActivity)[0]
  let prospect = latest(withEmail.filter((p) => !p.isDeleted))
  if (!prospect && searchDeleted) {
    prospect = latest(withEmail.filter((p) => p.isDeleted))
    if (prospect) prospect.isDeleted = false
  }
  if (!prospect)
    return { prospect: state.prospects.create(businessUnitId, { email: matchEmail, ...fields }), created: true }
  state.prospects.write(prospect, fields)
  return { prospect, created: false }
}

function query(r: RequestInfo, prospects: StoredProspect[]): Reply {
  const fields = requiredFields(r)
  // A later page's filters are the ones its token remembers (a filter beside a token is refused).
  const q = pageQuery(r).query
  const filters = QUERY_FILTERS.filter((name) => q.has(name))
  if (filters.length > 3)
    throw new PardotFault(
      209,
      'Too many fields have filters: The max number of 3 distinct fields with filters was exceeded for this query.'
    )
  const deleted = q.get('deleted') ?? 'false'
  const idList = q.get('idList')?.split(',')
  const matches = prospects
    .filter((p) => (deleted === 'all' ? true : p.isDeleted === (deleted === 'true')))
    .filter((p) => !q.has('email') || p.fields.email === q.get('email'))
    .filter((p) => !q.has('salesforceId') || p.fields.salesforceId === q.get('salesforceId'))
    .filter((p) => !idList || idList.includes(String(p.id)))
    .sort((a, b) => a.id - b.id)
  return page(r, PROSPECTS, matches, (p) => present(p, fields))
}

function present(prospect: StoredProspect, fields: string[]): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    id: prospect.id,
    isDeleted: prospect.isDeleted,
    createdAt: prospect.createdAt,
    updatedAt: prospect.updatedAt
  }
  return Object.fromEntries(fields.map((name) => [name, name in meta ? meta[name] : (prospect.fields[name] ?? null)]))
}

/** Validates a prospect body as Pardot does: names against the catalogue and custom fields, values by type. */
export function checkFields(state: SandboxState, input: unknown): SandboxProspectFields {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PardotFault(150, 'prospect must be a JSON object')
  }
  const out: SandboxProspectFields = {}
  for (const [name, value] of Object.entries(input)) {
    const kind = fieldKind(name)
    if (kind === 'read-only') throw new PardotFault(180, `The field ${name} is not writable`)
    if (kind === 'custom') {
      const def = state.customFields.find((f) => `${f.fieldId}__c` === name)
      if (!def) throw new PardotFault(154, `Invalid property specified: ${name}`)
      out[name] = customValue(name, def.type, value)
      continue
    }
    if (kind !== 'writable') throw new PardotFault(154, `Invalid property specified: ${name}`)
    out[name] = standardValue(name, value)
  }
  return out
}

function scalar(name: string, value: unknown): SandboxProspectValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as SandboxProspectValue
  throw new PardotFault(154, `Invalid value for ${name}: expected a scalar`)
}

function standardValue(name: string, value: unknown): SandboxProspectValue {
  const v = scalar(name, value)
  if (name === 'email' && (typeof v !== 'string' || !EMAIL.test(v))) {
    throw new PardotFault(4, 'Invalid prospect email address')
  }
  if (NUMBER_FIELDS.has(name) && v !== null && !Number.isFinite(Number(v))) {
    throw new PardotFault(56, `Invalid number for ${name}`)
  }
  if (BOOLEAN_FIELDS.has(name) && v !== null && typeof v !== 'boolean') {
    throw new PardotFault(154, `Invalid boolean for ${name}`)
  }
  // 255 characters for text fields other than the text areas is our reading; Pardot documents no code for it.
  if (typeof v === 'string' && v.length > MAX_TEXT && !TEXT_AREAS.has(name)) {
    throw new PardotFault(154, `The value of ${name} is ${v.length} characters long; at most ${MAX_TEXT} are allowed`)
  }
  return v
}

function customValue(name: string, type: string, value: unknown): SandboxProspectValue {
  const v = scalar(name, value)
  if (v === null) return v
  if (type === 'Number' && (v === '' || !Number.isFinite(Number(v))))
    throw new PardotFault(56, `Invalid number for ${name}`)
  if (type === 'Date' && !/^\d{4}-\d{2}-\d{2}$/.test(String(v))) throw new PardotFault(57, `Invalid date for ${name}`)
  return v
}
