import type { ActionDefinition } from '@segment/actions-core'
import { customFieldKeys } from '../dynamic-fields'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import { customFieldTypes } from './custom-field-types'
import { needsCustomFieldTypes } from './custom-values'
import { customFields, email, secondaryDeletedSearch, standardFields } from './fields'
import type { Payload } from './generated-types'
import { upsertBody } from './upsert-body'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert Prospect',
  description:
    'Create or update a prospect in Pardot by email address (Pardot API v5 upsertLatestByEmail). Pardot matches the email case-sensitively.',
  defaultSubscription: 'type = "identify"',
  fields: {
    email,
    ...standardFields,
    secondaryDeletedSearch,
    customFields
  },
  dynamicFields: {
    customFields: {
      __keys__: (request, { settings }) => customFieldKeys(request, settings)
    }
  },
  perform: async (request, { settings, payload }) => {
    const client = new PardotClient(request, settings)
    const types = needsCustomFieldTypes(payload.customFields) ? await customFieldTypes(client) : undefined
    return client.upsertProspectByEmail(upsertBody(payload, types))
  }
}

export default action
