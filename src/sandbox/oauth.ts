import { randomBytes } from 'node:crypto'
import { OAuthFault, type RequestInfo, type SandboxRouter } from './http'
import type { Reply } from '../http/reply'
import { delay } from './delay'
import type { SandboxState } from './state'

/**
 * Salesforce's token endpoint: the refresh_token grant, with its concurrent-refresh answer and, when configured,
 * refresh-token rotation with reuse detection (docs/pardot-api.md, "OAuth").
 */
export function oauthRoutes(router: SandboxRouter, state: SandboxState): void {
  router.add('POST', '/services/oauth2/token', async (r: RequestInfo): Promise<Reply> => {
    const form = new URLSearchParams(r.rawBody)
    if (form.get('grant_type') !== 'refresh_token') {
      throw new OAuthFault('unsupported_grant_type', 'grant type not supported')
    }
    const refreshToken = form.get('refresh_token') ?? ''
    const reused = state.tokens.rotatedOut.get(refreshToken)
    const client = state.tokens.refresh.get(refreshToken) ?? reused
    if (!client) throw new OAuthFault('invalid_grant', 'expired access/refresh token')
    // The client is checked first: a request that cannot authenticate as the connected app is refused as such, and
    // so cannot revoke the connection by presenting an old refresh token.
    if (client.clientId !== form.get('client_id') || client.clientSecret !== form.get('client_secret')) {
      throw new OAuthFault('invalid_client', 'invalid client credentials')
    }
    if (reused) {
      // Reuse of a rotated-out token means it may have leaked: Salesforce revokes the whole family.
      revokeFamily(state, reused.family)
      throw new OAuthFault('invalid_grant', 'expired access/refresh token')
    }
    if (state.tokens.refreshing.has(refreshToken)) {
      throw new OAuthFault('invalid_grant', 'token request is already being processed')
    }
    state.tokens.refreshing.add(refreshToken)
    try {
      await delay(state.options.refreshDelayMs)
      // Revoked while this request waited (a rotated-out token of its family came back): nothing is issued.
      if (!state.tokens.refresh.has(refreshToken)) throw new OAuthFault('invalid_grant', 'expired access/refresh token')
      const { token } = state.tokens.issueAccessToken(refreshToken)
      state.counters.oauth.refreshed++
      const rotated = state.options.rotateRefreshTokens ? rotate(state, refreshToken) : undefined
      return {
        status: 200,
        body: {
          access_token: token,
          ...(rotated ? { refresh_token: rotated } : {}),
          token_type: 'Bearer',
          scope: 'pardot_api refresh_token',
          instance_url: 'https://sandbox.my.salesforce.com',
          issued_at: String(Date.now())
        }
      }
    } finally {
      state.tokens.refreshing.delete(refreshToken)
    }
  })
}

/** Rotation: a new refresh token of the same family replaces the one exchanged, which stops working. */
function rotate(state: SandboxState, refreshToken: string): string | undefined {
  const grant = state.tokens.refresh.get(refreshToken)
  if (!grant) return undefined
  const next = `sandbox-rt-${randomBytes(8).toString('hex')}`
  state.tokens.refresh.delete(refreshToken)
  state.tokens.rotatedOut.set(refreshToken, grant)
  state.tokens.refresh.set(next, grant)
  state.counters.oauth.rotated++
  return next
}

/** A rotated-out refresh token came back: every token of its family is revoked, as Salesforce does. */
function revokeFamily(state: SandboxState, family: string): void {
  state.counters.oauth.reuseDetected++
  for (const [token, grant] of state.tokens.refresh) if (grant.family === family) state.tokens.refresh.delete(token)
  for (const [token, access] of state.tokens.access) if (access.family === family) state.tokens.access.delete(token)
}
