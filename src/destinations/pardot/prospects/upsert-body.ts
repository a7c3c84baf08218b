import { PayloadValidationError } from '@segment/actions-core'
import { checkEmail } from '../email'
import { judgeProspectFieldName } from '../v5-prospect-catalogue'
import type { ProspectFields, ProspectValue, UpsertByEmailBody } from '../pardot-client-prospects'
import type { CustomFieldTypes } from './custom-field-types'
import { formatCustomValue, type Formatted } from './custom-values'
import { standardFields, type StandardField } from './mapping-fields'
import type { Payload } from './generated-types'

const STANDARD_KEYS = Object.keys(standardFields) as StandardField[]

/**
 * The upsertLatestByEmail body for one event: the mapped standard fields (empty ones left out)
 * with Other Fields merged over them. Other Fields are checked first, so a bad one costs no request.
 * With `types` (the account's custom fields), custom field values are put in the form their type takes.
 */
export function upsertBody(payload: Payload, types?: CustomFieldTypes): UpsertByEmailBody {
  const email = payload.normalizeEmail ? normalized(payload.email) : payload.email
  checkEmail(email, 'Turn on Normalize Email to trim it, or map a value without the spaces.')
  const prospect: ProspectFields = { email }
  for (const key of STANDARD_KEYS) {
    const value = payload[key]
    if (value !== undefined && value !== null && value !== '') prospect[key] = value
  }
  const other = checkOtherFields(payload.customFields, types)
  if (payload.normalizeEmail && typeof other.email === 'string') other.email = normalized(other.email)
  Object.assign(prospect, other)
  return {
    matchEmail: email,
    prospect,
    secondaryDeletedSearch: payload.secondaryDeletedSearch
  }
}

/**
 * Every check that does not need the custom field catalogue, so that an event refused for its email, a field
 * name or a standard field's value costs no request, not even the catalogue's read. A `__c` field's value is
 * judged by its type, so it waits for the catalogue (and is then reported with the other values it refuses).
 */
export function checkWithoutCatalogue(payload: Payload): void {
  const customFields = Object.fromEntries(
    Object.entries(payload.customFields ?? {}).map(([name, value]) => [name, name.endsWith('__c') ? null : value])
  )
  upsertBody({ ...payload, customFields })
}

function normalized(email: string): string {
  return email.trim().toLowerCase()
}

/** Refuses, all at once, every Other Fields entry Pardot would reject or misread. */
export function checkOtherFields(
  fields: Record<string, unknown> | undefined,
  types?: CustomFieldTypes
): ProspectFields {
  const accepted: ProspectFields = {}
  const problems: string[] = []
  for (const [name, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue
    const problem = nameProblem(name)
    const judged = problem ? { problem } : judgeValue(name, value, types?.get(name))
    if ('problem' in judged) problems.push(judged.problem)
    else accepted[name] = judged.value
  }
  if (problems.length > 0) throw new PayloadValidationError(`Other Fields: ${problems.join(' ')}`)
  return accepted
}

function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'a field has an empty name; remove it or enter the Pardot field name.'
  const verdict = judgeProspectFieldName(name)
  switch (verdict.kind) {
    case 'read-only':
      return `"${name}" is read-only in Pardot and cannot be set; remove it.`
    case 'match-column':
      return `"${name}" is not a prospect field: the prospect is found by Email Address (or Pardot Prospect ID, Salesforce ID); remove it. To change a prospect's email, put the new address under the key "email".`
    case 'legacy':
    case 'miscased': {
      const kind = verdict.kind === 'legacy' ? 'is a Pardot v3/v4 name' : 'is not spelled as in Pardot v5'
      return verdict.suggestionIsReadOnly
        ? `"${name}" ${kind}; its v5 field "${verdict.suggestion}" is read-only and cannot be set; remove it.`
        : `"${name}" ${kind}; rename it to "${verdict.suggestion}".`
    }
    default:
      return undefined
  }
}

/** A custom field of known type takes its own form; any other value must be one value. */
function judgeValue(name: string, value: unknown, type: string | undefined): Formatted {
  const formatted = type === undefined ? undefined : formatCustomValue(name, type, value)
  if (formatted) return formatted
  const problem = valueProblem(name, value)
  return problem ? { problem } : { value: value as ProspectValue }
}

function valueProblem(name: string, value: unknown): string | undefined {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return undefined
  if (Array.isArray(value)) {
    return `"${name}" holds a list, but a Pardot field holds one value; for a multi-select custom field send the choices joined with ";" (for example "red;blue").`
  }
  return `"${name}" holds an object, but a Pardot field holds one value (text, a number or true/false); map it to a single value.`
}
