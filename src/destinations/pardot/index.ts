import type { DestinationDefinition } from '@segment/actions-core'
import { defaultValues } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { PardotClient, refreshAccessToken } from './pardot-client'
import deleteProspect from './deleteProspect'
import externalActivity from './externalActivity'
import listMembership from './listMembership'
import prospects from './prospects'
import { businessUnitId, settingsFields } from './settings'

const destination: DestinationDefinition<Settings> = {
  name: 'Pardot (Actions)',
  slug: 'actions-pardot',
  mode: 'cloud',
  description:
    'Send Segment identify events to Salesforce Account Engagement (Pardot) as prospects, audiences to Pardot lists and track events as external activities, and delete prospects, through Pardot API v5. A drop-in replacement for the Pardot (Actions) destination.',

  authentication: {
    scheme: 'oauth2',
    fields: settingsFields,
    // Errors already name the host, the business unit and the toggle or scope to fix.
    testAuthentication: (request, { settings }) => new PardotClient(request, settings).probe(),
    refreshAccessToken: (request, { settings, auth }) => refreshAccessToken(request, settings, auth)
  },

  extendRequest({ settings, auth }) {
    return {
      headers: {
        // The engine also runs this for the token refresh, which has no access token yet.
        ...(auth?.accessToken ? { Authorization: `Bearer ${auth.accessToken}` } : {}),
        'Pardot-Business-Unit-Id': businessUnitId(settings)
      }
    }
  },

  presets: [
    {
      name: 'Upsert Prospect',
      subscribe: 'type = "identify"',
      partnerAction: 'prospects',
      mapping: defaultValues(prospects.fields),
      type: 'automatic'
    }
  ],

  // No onDelete: Segment's user-deletion requests carry only userId and anonymousId, and Pardot
  // finds prospects by email or id, so they cannot be mapped to a prospect (see README).
  actions: {
    prospects,
    externalActivity,
    deleteProspect,
    listMembership
  }
}

export default destination
