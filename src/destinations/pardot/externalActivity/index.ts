import { PayloadValidationError, type ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import { traitOrProperty } from '../prospects/fields'
import type { Payload } from './generated-types'

const eventEmail = traitOrProperty('email')
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
      default: { '@if': { exists: eventEmail, then: eventEmail, else: { '@path': '$.context.traits.email' } } }
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
        'When the activity happened, as an ISO-8601 date-time with an offset. Defaults to the event’s timestamp, so an event delivered late (after retries or a pause for the daily limit) keeps the time it happened. Left empty, Pardot dates the activity when it receives it.',
      type: 'string',
      default: { '@path': '$.timestamp' }
    }
  },
  perform: (request, { settings, payload, statsContext }) => {
    const client = new PardotClient(request, settings, statsContext)
    const problems = [apiNameProblem('Extension', payload.extension), apiNameProblem('Activity Type', payload.type)]
    // Counted in characters (code points), as a database column of 100 characters counts them.
    const length = [...payload.value].length
    if (length > MAX_VALUE_LENGTH) {
      problems.push(
        `Value is ${length} characters long; Pardot accepts at most ${MAX_VALUE_LENGTH}. Map a shorter identifier.`
      )
    }
    const activityDate = payload.activityDate
    problems.push(activityDateProblem(activityDate))
    const found = problems.filter((problem): problem is string => problem !== undefined)
    if (found.length > 0) throw new PayloadValidationError(found.join(' '))
    return client.createExternalActivity({
      extension: payload.extension.trim(),
      type: payload.type.trim(),
      value: payload.value,
      email: payload.email,
      ...(activityDate ? { activityDate } : {})
    })
  }
}

/** Pardot takes `activityDate` as ISO-8601 with an offset (docs/pardot-api.md, "External activities"). */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i

function activityDateProblem(date: string | undefined): string | undefined {
  if (!date || (ISO_WITH_OFFSET.test(date) && !Number.isNaN(Date.parse(date)))) return undefined
  return `Activity Date "${date}" is not an ISO-8601 date-time with an offset (such as 2026-01-31T09:30:00Z or 2026-01-31T10:30:00+01:00), the only form Pardot takes. Map the event’s timestamp, or leave it empty to date the activity when Pardot receives it.`
}

/** Salesforce API names are letters, digits and underscores, starting with a letter: a label has spaces. */
function apiNameProblem(label: string, name: string): string | undefined {
  const trimmed = name.trim()
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(trimmed)) return undefined
  return `${label} "${name}" is not an API name: use the DeveloperName from Salesforce Setup → Marketing App Extensions (letters, digits and underscores, starting with a letter, such as Webinar_Attended), not the label.`
}

export default action
