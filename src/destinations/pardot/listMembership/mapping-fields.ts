import type { InputField } from '@segment/actions-core'
import { EVENT_OR_CONTEXT_EMAIL } from '../mapping-defaults'

export const email: InputField = {
  label: 'Email Address',
  description:
    "The prospect's email address. On add, the prospect with this email is found or created; on remove, every prospect with it leaves the list (none is ever created). Pardot matches emails case-sensitively.",
  type: 'string',
  required: true,
  default: EVENT_OR_CONTEXT_EMAIL
}

export const listId: InputField = {
  label: 'List',
  description:
    "The static Pardot list to add the prospect to or remove it from (its id). Leave empty for a Segment audience connected to this destination: the audience's own list is used (created, or found by name, when the audience was connected). Dynamic lists are filled by their criteria and cannot be changed through the API.",
  type: 'string',
  required: false,
  dynamic: true
}

/** The list `createAudience` made or adopted for the audience: the platform sets it on every event of the audience. */
export const external_audience_id: InputField = {
  label: 'Audience List ID',
  description:
    "The id of the Pardot list made for the event's audience when the audience was connected. Used when List is empty.",
  type: 'string',
  required: false,
  unsafe_hidden: true,
  default: { '@path': '$.context.personas.external_audience_id' }
}

export const operation: InputField = {
  label: 'Operation',
  description:
    'Add the prospect to the list or remove it. Leave empty for Segment audiences: the sync mode decides, or else the prospect is added when the event says it entered the audience and removed when it says it exited.',
  type: 'string',
  required: false,
  choices: [
    { label: 'Add to the list', value: 'add' },
    { label: 'Remove from the list', value: 'remove' }
  ]
}

export const optedOut: InputField = {
  label: 'Opted Out',
  description:
    'On add: whether the prospect is opted out of emails sent to this list. An existing membership is left as it is.',
  type: 'boolean',
  required: false
}

/** Segment's audience convention: the audience key, and the traits (identify) or properties (track) that hold it. */
export const computation_key: InputField = {
  label: 'Audience Key',
  description:
    "The key of the Segment audience the event comes from. The event's traits or properties hold it as true (entered) or false (exited).",
  type: 'string',
  required: false,
  unsafe_hidden: true,
  default: { '@path': '$.context.personas.computation_key' }
}

export const traits_or_props: InputField = {
  label: 'Traits or Properties',
  description: 'Where the audience membership is: the traits of an identify event, the properties of a track event.',
  type: 'object',
  required: false,
  unsafe_hidden: true,
  default: {
    '@if': {
      exists: { '@path': '$.traits' },
      then: { '@path': '$.traits' },
      else: { '@path': '$.properties' }
    }
  }
}
