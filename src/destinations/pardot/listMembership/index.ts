import type { ActionDefinition } from '@segment/actions-core'
import { staticListChoices } from '../dynamic-fields'
import { checkEmail } from '../email'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import {
  computation_key,
  email,
  external_audience_id,
  listId,
  operation,
  optedOut,
  traits_or_props
} from './mapping-fields'
import type { Payload } from './generated-types'
import { addToList, removeFromList, staticList } from './memberships'
import { listIdOf, operationFor } from './operation'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Update List Membership',
  description:
    'Add a prospect to a static Pardot list or remove it, by email address. Follows Segment audiences: entering adds, exiting removes.',
  defaultSubscription: 'event = "Audience Entered" or event = "Audience Exited"',
  fields: {
    email,
    listId,
    operation,
    optedOut,
    computation_key,
    traits_or_props,
    external_audience_id
  },
  // Offered where actions-core offers it (audiences and Reverse ETL): what the events of the audience do to the list.
  syncMode: {
    label: 'How to sync the audience',
    description: 'What the events do to the Pardot list. Operation, when set, decides instead.',
    default: 'mirror',
    choices: [
      { label: 'Mirror the audience: entering adds the prospect, exiting removes it', value: 'mirror' },
      { label: 'Only add prospects to the list', value: 'add' },
      { label: 'Only remove prospects from the list', value: 'delete' }
    ]
  },
  dynamicFields: {
    listId: (request, { settings, page, statsContext }) => staticListChoices(request, settings, page, statsContext)
  },
  perform: async (request, { settings, payload, statsContext, syncMode, audienceMembership }) => {
    // All are judged before any request: a wrong event costs no API call, and a remove never queries by a
    // blank or malformed email. An event the sync mode leaves out is done first: it needs no list and no email.
    const chosen = operationFor(payload, { syncMode, membership: audienceMembership })
    if (chosen === 'none') return { operation: chosen, syncMode }
    const list = listIdOf(payload)
    checkEmail(payload.email)
    const client = new PardotClient(request, settings, statsContext)
    await staticList(client, list)
    return chosen === 'add'
      ? addToList(client, payload.email, list, payload.optedOut)
      : removeFromList(client, payload.email, list)
  }
}

export default action
