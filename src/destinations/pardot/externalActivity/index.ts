import { PayloadValidationError, type ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import { traitOrProperty } from '../prospects/fields'
import type { Payload } from './generated-types'

const eventEmail = traitOrProperty('email')
/** Pardot keeps at most 100 characters of an activity's value. */
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
    }
  },
  perform: (request, { settings, payload, statsContext }) => {
    const client = new PardotClient(request, settings, statsContext)
    const problems = [apiNameProblem('Extension', payload.extension), apiNameProblem('Activity Type', payload.type)]
    if (payload.value.length > MAX_VALUE_LENGTH) {
      problems.push(
        `Value is ${payload.value.length} characters long; Pardot accepts at most ${MAX_VALUE_LENGTH}. Map a shorter identifier.`
      )
    }
    const found = problems.filter((problem): problem is string => problem !== undefined)
    if (found.length > 0) throw new PayloadValidationError(found.join(' '))
    return client.createExternalActivity({
      extension: payload.extension.trim(),
      type: payload.type.trim(),
      value: payload.value,
      email: payload.email
    })
  }
}

/** Salesforce API names are letters, digits and underscores, starting with a letter: a label has spaces. */
function apiNameProblem(label: string, name: string): string | undefined {
  const trimmed = name.trim()
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(trimmed)) return undefined
  return `${label} "${name}" is not an API name: use the DeveloperName from Salesforce Setup → Marketing App Extensions (letters, digits and underscores, starting with a letter, such as Webinar_Attended), not the label.`
}

export default action
