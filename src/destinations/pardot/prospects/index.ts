import type { ActionDefinition } from '@segment/actions-core'
import { customFieldKeys } from '../dynamic-fields'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import { customFieldTypes } from './custom-field-types'
import { needsCustomFieldTypes } from './custom-values'
import {
  batch_size,
  campaignId,
  customFields,
  email,
  enable_batching,
  import_split_by_fields,
  import_wait_seconds,
  normalizeEmail,
  prospectId,
  salesforceId,
  secondaryDeletedSearch,
  standardFields
} from './mapping-fields'
import type { Payload } from './generated-types'
import { checkBeforeAnyRequest, writeProspect } from './match'
import { performBatch } from './perform-batch'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert Prospect',
  description:
    'Create or update a prospect in Pardot by email address (Pardot API v5 upsertLatestByEmail), or update one by its Pardot prospect ID or Salesforce Lead/Contact ID. Pardot matches the email case-sensitively.',
  defaultSubscription: 'type = "identify"',
  fields: {
    email,
    ...standardFields,
    secondaryDeletedSearch,
    customFields,
    prospectId,
    salesforceId,
    normalizeEmail,
    enable_batching,
    batch_size,
    campaignId,
    import_wait_seconds,
    import_split_by_fields
  },
  dynamicFields: {
    customFields: {
      __keys__: (request, { settings, statsContext }) => customFieldKeys(request, settings, statsContext)
    }
  },
  perform: async (request, { settings, payload, statsContext }) => {
    const client = new PardotClient(request, settings, statsContext)
    let types
    if (needsCustomFieldTypes(payload.customFields)) {
      checkBeforeAnyRequest(payload)
      types = await customFieldTypes(client)
    }
    return writeProspect(client, payload, types)
  },
  performBatch
}

export default action
