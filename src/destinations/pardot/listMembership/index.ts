import type { ActionDefinition } from '@segment/actions-core'
import { staticListChoices } from '../dynamic-fields'
import { checkEmail } from '../email'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import { computation_key, email, listId, operation, optedOut, traits_or_props } from './fields'
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
    traits_or_props
  },
  dynamicFields: {
    listId: (request, { settings, page }) => staticListChoices(request, settings, page)
  },
  perform: async (request, { settings, payload, statsContext }) => {
    // All are judged before any request: a wrong event costs no API call, and a remove never queries by a
    // blank or malformed email.
    const chosen = operationFor(payload)
    const list = listIdOf(payload.listId)
    checkEmail(payload.email)
    const client = new PardotClient(request, settings, statsContext)
    await staticList(client, list)
    return chosen === 'add'
      ? addToList(client, payload.email, list, payload.optedOut)
      : removeFromList(client, payload.email, list)
  }
}

export default action
