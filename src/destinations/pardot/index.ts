import type { AudienceDestinationDefinition, OAuth2ClientCredentials, RequestClient } from '@segment/actions-core'
import { defaultValues } from '@segment/actions-core'
import { AUDIENCE_MODE, audienceFields, createAudience, getAudience } from './audiences'
import type { AudienceSettings, Settings } from './generated-types'
import { bound, boundAction, type PardotEnvironments } from './hosts'
import { PardotClient } from './pardot-client'
import { refreshAccessToken } from './pardot-client-oauth'
import { probe } from './pardot-client-prospects'
import deleteProspect from './deleteProspect'
import externalActivity from './externalActivity'
import listMembership from './listMembership'
import prospects from './prospects'
import { businessUnitId, settingsFields } from './settings'

/** Printable ASCII: what access tokens and business unit IDs are made of, and what a header value can hold. */
const HEADER_SAFE = /^[\x21-\x7e]+$/

export interface PardotDestinationOptions {
  /**
   * The Pardot API and Salesforce login hosts of each kind of business unit, for a server that redirects them (the
   * local server aims them at its embedded sandbox). Left out: the real hosts, as shipped.
   */
  hosts?: PardotEnvironments
}

/** The headers every request carries, built by the engine before any action code runs. */
function extendRequest({ settings, auth }: { settings: Settings; auth?: { accessToken?: string } }): {
  headers: Record<string, string>
} {
  // The engine builds these headers before any action code runs, and a value no header can carry (a line break)
  // would fail there, quoting the value (a token!), and be retried for ever. Such a value is left out instead: a
  // business unit ID is then refused by the settings check with its reason, and a token is answered 401 by
  // Pardot, so the engine refreshes it. The engine also runs this for the token refresh, which has no token yet.
  const headers: Record<string, string> = {}
  const token = auth?.accessToken
  if (token && HEADER_SAFE.test(token)) headers.Authorization = `Bearer ${token}`
  const businessUnit = businessUnitId(settings)
  if (HEADER_SAFE.test(businessUnit)) headers['Pardot-Business-Unit-Id'] = businessUnit
  return { headers }
}

/** The destination definition; `createPardotDestination()` (no hosts) is the production one, the default export. */
export function createPardotDestination(
  options: PardotDestinationOptions = {}
): AudienceDestinationDefinition<Settings, AudienceSettings> {
  const { hosts } = options
  const shipped = { prospects, externalActivity, deleteProspect, listMembership }
  const actions = hosts
    ? {
        prospects: boundAction(prospects, hosts),
        externalActivity: boundAction(externalActivity, hosts),
        deleteProspect: boundAction(deleteProspect, hosts),
        listMembership: boundAction(listMembership, hosts)
      }
    : shipped
  const at = <A extends unknown[], R>(handler: (request: RequestClient, ...rest: A) => R) =>
    hosts ? bound(handler, hosts) : handler
  return {
    name: 'Pardot (Actions)',
    slug: 'actions-pardot',
    mode: 'cloud',
    description:
      'Send Segment identify events to Salesforce Account Engagement (Pardot) as prospects, audiences to Pardot lists and track events as external activities, and delete prospects, through Pardot API v5. A drop-in replacement for the Pardot (Actions) destination.',

    authentication: {
      scheme: 'oauth2',
      fields: settingsFields,
      // Errors already name the host, the business unit and the toggle or scope to fix.
      testAuthentication: at((request, { settings }: { settings: Settings }) =>
        probe(new PardotClient(request, settings))
      ),
      refreshAccessToken: at((request, { settings, auth }: { settings: Settings; auth: OAuth2ClientCredentials }) =>
        refreshAccessToken(request, settings, auth)
      )
    },

    // An audience destination: connecting a Segment audience finds or creates its static list (see audiences.ts).
    audienceFields,
    audienceConfig: {
      mode: AUDIENCE_MODE,
      createAudience: at(createAudience),
      getAudience: at(getAudience)
    },

    extendRequest,

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
    // finds prospects by email or id, so they cannot be mapped to a prospect (see docs/actions/delete-prospect.md).
    actions
  }
}

export default createPardotDestination()
