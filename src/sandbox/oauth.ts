import { OAuthFault, type Reply, type RequestInfo, type Router } from './http'
import type { SandboxState } from './state'

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Salesforce's token endpoint: the refresh_token grant, with its concurrent-refresh answer. */
export function oauthRoutes(router: Router, state: SandboxState): void {
  router.add('POST', '/services/oauth2/token', async (r: RequestInfo): Promise<Reply> => {
    const form = new URLSearchParams(r.rawBody)
    if (form.get('grant_type') !== 'refresh_token') {
      throw new OAuthFault('unsupported_grant_type', 'grant type not supported')
    }
    const refreshToken = form.get('refresh_token') ?? ''
    const client = state.refreshTokens.get(refreshToken)
    if (!client) throw new OAuthFault('invalid_grant', 'expired access/refresh token')
    if (client.clientId !== form.get('client_id') || client.clientSecret !== form.get('client_secret')) {
      throw new OAuthFault('invalid_client', 'invalid client credentials')
    }
    if (state.refreshing.has(refreshToken)) {
      throw new OAuthFault('invalid_grant', 'token request is already being processed')
    }
    state.refreshing.add(refreshToken)
    try {
      await delay(state.options.refreshDelayMs)
      const { token } = state.issueAccessToken(refreshToken)
      return {
        status: 200,
        body: {
          access_token: token,
          token_type: 'Bearer',
          scope: 'pardot_api refresh_token',
          instance_url: 'https://sandbox.my.salesforce.com',
          issued_at: String(Date.now())
        }
      }
    } finally {
      state.refreshing.delete(refreshToken)
    }
  })
}
