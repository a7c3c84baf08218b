import { SANDBOX_DEFAULTS } from '../sandbox'
import { RequestError } from './body'
import type { Credentials } from './deliver'
import { isRecord } from '../destinations/pardot/guards'
import type { TokenStore } from './tokens'

/** Everything an answer and its log line must hide: the operator's secrets and the caller's, as they are seen. */
export type Secrets = (string | undefined)[]

/** The operator's own secrets, from the server's configuration. */
export interface OperatorSecrets {
  apiKey?: string
  clientId?: string
  clientSecret?: string
}

/** A caller's credentials, and whether the caller may be served the newest tokens of its family. */
export interface CallerCredentials {
  credentials: Credentials
  trusted: boolean
}

/**
 * Which credentials serve a request. Without `auth`, every call shares the sandbox's credentials, so a token the
 * engine refreshed for one call serves the next. Each request's secrets are noted in `seen`, so whatever goes wrong
 * later, its answer and log line can hide them.
 */
export class CredentialSource {
  /** The embedded sandbox's credentials, refreshed in place by the engine when its token expires. */
  readonly sandbox: Credentials = {
    accessToken: SANDBOX_DEFAULTS.accessToken,
    refreshToken: SANDBOX_DEFAULTS.refreshToken,
    clientId: SANDBOX_DEFAULTS.clientId,
    clientSecret: SANDBOX_DEFAULTS.clientSecret
  }

  constructor(
    private readonly operator: OperatorSecrets,
    /** Token refreshes go through one store per server (see tokens.ts). */
    private readonly tokens: TokenStore,
    private readonly hasSandbox: boolean
  ) {}

  /**
   * `trusted`: whether the caller may be served the newest tokens of its family, kept by this server. Only a caller
   * that holds the server's key or sent the client secret itself, and only to deliver (never on /refreshAccessToken,
   * which would hand them out): otherwise whoever holds an old refresh token, leaked or rotated out, would get
   * working tokens, which is what Salesforce's reuse detection exists to prevent (docs/pardot-api.md, "OAuth").
   */
  forCaller(auth: unknown, seen: Secrets, use: 'deliver' | 'refresh' = 'deliver'): CallerCredentials {
    if (auth !== undefined) {
      if (!isRecord(auth)) throw new RequestError(400, '"auth" must be an object: {accessToken, refreshToken}.')
      // The operator's client id and secret serve only callers who proved themselves with the key: without a key
      // (loopback and the sandbox only), a caller's own refresh token is refreshed with the caller's own secret.
      const { apiKey, clientId, clientSecret } = this.operator
      const operator = apiKey ? { clientId, clientSecret } : {}
      // A key the caller left out is absent, not `undefined`: spread, `{clientSecret: undefined}` would wipe the
      // operator's secret, and a key holder's refresh would be refused as invalid_client.
      const given = { ...operator, ...defined(auth) }
      // A caller that holds the key (every caller, once one is set) or sent the client secret itself is the
      // connection's owner, not merely a holder of one of its tokens.
      const ownSecret = typeof auth.clientSecret === 'string' && auth.clientSecret !== ''
      const trusted = use === 'deliver' && (ownSecret || Boolean(apiKey))
      const credentials = trusted ? this.tokens.latest(given) : given
      seen.push(...secretsOf(given), ...secretsOf(credentials))
      return { credentials, trusted }
    }
    if (!this.hasSandbox) {
      throw new RequestError(400, 'The target is real Pardot: send "auth" with accessToken and refreshToken.')
    }
    return { credentials: this.sandbox, trusted: true }
  }
}

/** The secrets among credentials: what an answer must never show. */
export function secretsOf(credentials: Credentials): Secrets {
  return [credentials.accessToken, credentials.refreshToken, credentials.clientSecret]
}

/** Credentials from the engine's `oauth` settings (as Test Connection receives them). */
export function fromOAuth(oauth: Record<string, unknown>): Credentials {
  return {
    accessToken: oauth.access_token as string | undefined,
    refreshToken: oauth.refresh_token as string | undefined,
    clientId: oauth.clientId as string | undefined,
    clientSecret: oauth.clientSecret as string | undefined
  }
}

/** Credentials as the engine's `oauth` settings. */
export function toOAuth(credentials: Credentials) {
  return {
    access_token: credentials.accessToken,
    refresh_token: credentials.refreshToken,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret
  }
}

/** The engine's token refresh input, from credentials. */
export function refreshInput(credentials: Credentials) {
  return {
    accessToken: credentials.accessToken ?? '',
    refreshToken: credentials.refreshToken ?? '',
    clientId: credentials.clientId ?? '',
    clientSecret: credentials.clientSecret ?? ''
  }
}

/** The credentials that have a value: an `undefined` (or JSON `null`) one must not replace another's in a spread. */
function defined(credentials: Credentials): Credentials {
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== undefined && value !== null))
}
