import type { DestinationDefinition } from '@segment/actions-core'
import { defaultValues } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { PardotClient, refreshAccessToken } from './pardot-client'
import deleteProspect from './deleteProspect'
import externalActivity from './externalActivity'
import listMembership from './listMembership'
import prospects from './prospects'
import { businessUnitId, settingsFields } from './settings'

/** Printable ASCII: what an OAuth access token is made of, and what an HTTP header value can hold. */
const HEADER_SAFE = /^[\x21-\x7e]+$/

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

  extendRequest({ settings, auth }): { headers: Record<string, string> } {
    const businessUnit = businessUnitId(settings)
    const token = auth?.accessToken
    // The engine also runs this for the token refresh, which has no access token yet. A token no header can carry
    // (a line break in it) would make the engine fail before sending, quoting the token, and be retried for ever:
    // sent without it, Pardot answers 401 and the engine refreshes the token.
    if (!token || !HEADER_SAFE.test(token)) return { headers: { 'Pardot-Business-Unit-Id': businessUnit } }
    return { headers: { Authorization: `Bearer ${token}`, 'Pardot-Business-Unit-Id': businessUnit } }
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
