/** The Salesforce OAuth refresh_token grant, against the login host that matches the settings. */
import type { OAuth2ClientCredentials, RefreshAccessTokenResult, RequestClient } from '@segment/actions-core'
import { oauthAnswerToError } from './errors'
import type { Settings } from './generated-types'
import { pardotHosts } from './hosts'
import { checkSettings } from './settings'

export const TOKEN_PATH = '/services/oauth2/token'

interface TokenAnswer {
  access_token?: string
  refresh_token?: string
}

export async function refreshAccessToken(
  request: RequestClient,
  settings: Settings,
  auth: OAuth2ClientCredentials
): Promise<RefreshAccessTokenResult> {
  checkSettings(settings)
  const { login } = pardotHosts(request, settings)
  const secrets = [auth.refreshToken, auth.clientSecret, auth.accessToken]
  let response
  try {
    response = await request<TokenAnswer>(`${login}${TOKEN_PATH}`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: auth.refreshToken,
        client_id: auth.clientId,
        client_secret: auth.clientSecret
      }),
      throwHttpErrors: false
    })
  } catch (error) {
    throw oauthAnswerToError(undefined, login, secrets, error)
  }
  const accessToken = response.data?.access_token
  if (response.status >= 200 && response.status < 300 && accessToken) {
    const refreshToken = response.data.refresh_token
    return refreshToken ? { accessToken, refreshToken } : { accessToken }
  }
  throw oauthAnswerToError(response, login, secrets)
}
