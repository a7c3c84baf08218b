import dayjs from 'dayjs'
import type { ProspectValue } from '../pardot-client-prospects'

type Kind = 'number' | 'date' | 'multi' | 'other'

/** Pardot's type names differ in case and punctuation between accounts and docs: compare letters only. */
function kindOf(type: string): Kind {
  switch (type.toLowerCase().replace(/[^a-z]/g, '')) {
    case 'number':
      return 'number'
    case 'date':
      return 'date'
    // A checkbox custom field holds any number of its choices, as a multi-select does.
    case 'multiselect':
    case 'checkbox':
      return 'multi'
    default:
      return 'other'
  }
}

/** The type of every custom field while the catalogue cannot be read (custom-field-types.ts): no Pardot type. */
export const UNKNOWN_CUSTOM_FIELD_TYPE = '(unknown: the custom field catalogue could not be read)'

const NUMERIC = /^\s*[-+]?\d+(\.\d+)?\s*$/
/**
 * A date, or the date part of an ISO-8601 date-time (the calendar date as written, whatever its offset): the
 * time must be a time (hh:mm, optional seconds and fraction) and the offset Z or ±hh:mm, so `2024-05-31Tgarbage`
 * is no date.
 */
const DATE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]/

/**
 * Whether some Other Fields value would be sent differently once its custom field's type is known:
 * a list (multi-select), a number written as text (number, or text to keep as text), a date-time
 * (date). Anything else goes as mapped, so only these are worth the catalogue's API call.
 */
export function needsCustomFieldTypes(fields: Record<string, unknown> | undefined): boolean {
  return Object.entries(fields ?? {}).some(
    ([name, value]) =>
      name.endsWith('__c') &&
      (Array.isArray(value) || (typeof value === 'string' && (NUMERIC.test(value) || DATE_TIME.test(value))))
  )
}

export type Formatted = { value: ProspectValue } | { problem: string }

/**
 * The value in the form a custom field of `type` takes, or the problem with it; undefined when the
 * type asks for nothing special (the value is then judged as any other Other Fields value).
 */
export function formatCustomValue(name: string, type: string, value: unknown): Formatted | undefined {
  if (value === null) return undefined
  if (type === UNKNOWN_CUSTOM_FIELD_TYPE)
    return isListOfChoices(value) ? { value: value.map(String).join(';') } : undefined
  switch (kindOf(type)) {
    case 'number':
      if (typeof value === 'number') return { value }
      if (typeof value === 'string' && NUMERIC.test(value)) return { value: Number(value) }
      return { problem: `"${name}" is a ${type} custom field, but its value is not a number; map it to a number.` }
    case 'date': {
      const date = typeof value === 'string' ? DATE.exec(value)?.[1] : undefined
      // dayjs rolls 2024-02-30 over to March: a date that does not survive the round trip is not a date.
      if (date && dayjs(date).format('YYYY-MM-DD') === date) return { value: date }
      return {
        problem: `"${name}" is a ${type} custom field, but its value is not a date; send YYYY-MM-DD or an ISO-8601 date-time (2024-05-31T12:00:00Z).`
      }
    }
    case 'multi':
      if (isScalar(value)) return { value }
      if (isListOfChoices(value)) return { value: value.map(String).join(';') }
      return {
        problem: `"${name}" is a ${type} custom field, but its value is neither a list of choices nor text; send a list of choices or the choices joined with ";".`
      }
    default:
      return undefined
  }
}

function isListOfChoices(value: unknown): value is (string | number | boolean)[] {
  return Array.isArray(value) && value.every((choice) => choice !== null && isScalar(choice))
}

function isScalar(value: unknown): value is string | number | boolean {
  return ['string', 'number', 'boolean'].includes(typeof value)
}
