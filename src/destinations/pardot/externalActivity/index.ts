import { PayloadValidationError, type ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { EVENT_OR_CONTEXT_EMAIL } from '../mapping-defaults'
import { PardotClient } from '../pardot-client'
import { createExternalActivity } from '../pardot-client-external-activities'
import { externalActivityHint } from './answer-hints'
import type { Payload } from './generated-types'

/** Pardot takes at most 100 characters of an activity's value (docs/pardot-api.md, "External activities"). */
const MAX_VALUE_LENGTH = 100

const action: ActionDefinition<Settings, Payload> = {
  title: 'Send External Activity',
  description:
    'Record an external activity on a prospect (Pardot API v5 external-activities), for use in Engagement Studio, automation rules and scoring. The extension and activity type must be set up in Salesforce (Setup → Marketing App Extensions), active, and assigned to the business unit.',
  defaultSubscription: 'type = "track"',
  fields: {
    email: {
      label: 'Email Address',
      description:
        'The email address of the prospect the activity belongs to. The prospect must exist; if several prospects have the address, Pardot picks the one with the latest activity. Matched case-sensitively.',
      type: 'string',
      required: true,
      default: EVENT_OR_CONTEXT_EMAIL
    },
    extension: {
      label: 'Extension',
      description:
        'The API name (DeveloperName) of the Marketing App Extension in Salesforce Setup, for example `Segment_Events`. Not its label.',
      type: 'string',
      required: true
    },
    type: {
      label: 'Activity Type',
      description:
        'The API name (DeveloperName) of an activity type of that extension, for example `Webinar_Attended`. Not its label.',
      type: 'string',
      required: true
    },
    value: {
      label: 'Value',
      description:
        'Identifies this activity, at most 100 characters. Automation rules can match on it. Defaults to the event’s messageId.',
      type: 'string',
      required: true,
      default: { '@path': '$.messageId' }
    },
    activityDate: {
      label: 'Activity Date',
      description:
        'When the activity happened, as an ISO-8601 date-time with an offset; sent to Pardot as the same instant in UTC, in whole seconds (2026-01-31T09:30:00+00:00), the form its documentation shows. Defaults to the event’s timestamp, so an event delivered late (after retries or a pause for the daily limit) keeps the time it happened. Left empty, Pardot dates the activity when it receives it.',
      type: 'string',
      default: { '@path': '$.timestamp' }
    }
  },
  perform: (request, { settings, payload, statsContext }) => {
    const client = new PardotClient(request, settings, statsContext)
    const problems = [apiNameProblem('Extension', payload.extension), apiNameProblem('Activity Type', payload.type)]
    // Counted in UTF-16 units: whether Pardot counts code points or UTF-16 units is unconfirmed, and the larger count
    // is the safer bound (docs/pardot-api.md, "Facts that stay unconfirmed").
    const length = payload.value.length
    if (length > MAX_VALUE_LENGTH) {
      const units = length === [...payload.value].length ? '' : ' (counted in UTF-16 units: an emoji counts as 2)'
      problems.push(
        `Value is ${length} characters long${units}; Pardot accepts at most ${MAX_VALUE_LENGTH}. Map a shorter identifier.`
      )
    }
    const activityDate = payload.activityDate ? documentedDate(payload.activityDate) : undefined
    if (activityDate === null) problems.push(activityDateProblem(payload.activityDate ?? ''))
    const found = problems.filter((problem): problem is string => problem !== undefined)
    if (found.length > 0) throw new PayloadValidationError(found.join(' '))
    const [extension, type] = [payload.extension.trim(), payload.type.trim()]
    const body = {
      extension,
      type,
      value: payload.value,
      email: payload.email,
      ...(activityDate ? { activityDate } : {})
    }
    return createExternalActivity(client, body, externalActivityHint(extension, type))
  }
}

/**
 * A date-time with an offset, as Segment's `timestamp` is (`2026-01-31T09:30:00.000Z`). Upper-case `T` and `Z` only:
 * ISO-8601 allows nothing else. The calendar is checked apart, since `Date.parse` rolls 2026-02-30 over to March.
 */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/

/**
 * The date in the one form Pardot's documentation shows, `2021-01-01T11:08:00+00:00` (whole seconds, numeric offset):
 * the same instant in UTC. Whether Pardot also takes fractional seconds or `Z` is unconfirmed (docs/pardot-api.md,
 * "External activities"), so the form it shows is the one sent. `null` when the input is no real date-time.
 */
function documentedDate(date: string): string | null {
  const parts = ISO_WITH_OFFSET.exec(date)
  if (!parts) return null
  const [year, month, day, hour, minute, second = '0', offsetHour = '0', offsetMinute = '0'] = parts.slice(1)
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate()
  const inRange =
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHour) <= 23 &&
    Number(offsetMinute) <= 59
  const instant = Date.parse(date)
  if (!inRange || Number.isNaN(instant)) return null
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

function activityDateProblem(date: string): string {
  return `Activity Date "${date}" is not an ISO-8601 date-time with an offset (such as 2026-01-31T09:30:00Z or 2026-01-31T10:30:00+01:00), the only form Pardot takes. Map the event’s timestamp, or leave it empty to date the activity when Pardot receives it.`
}

/** Salesforce API names are letters, digits and underscores, starting with a letter: a label has spaces. */
function apiNameProblem(label: string, name: string): string | undefined {
  const trimmed = name.trim()
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(trimmed)) return undefined
  return `${label} "${name}" is not an API name: use the DeveloperName from Salesforce Setup → Marketing App Extensions (letters, digits and underscores, starting with a letter, such as Webinar_Attended), not the label.`
}

export default action
