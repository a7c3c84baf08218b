import { parseNumber, readFlags } from '../cli-flags'

/** Operator configuration of the local server: environment variables, overridden by CLI flags. */
export interface ServerConfig {
  /** `sandbox`: the embedded Pardot sandbox (default). `pardot`: the real Pardot and Salesforce hosts. */
  target: 'sandbox' | 'pardot'
  host: string
  port: number
  /** Requests in flight to Pardot per business unit. Pardot allows 5; less leaves room for other integrations. */
  maxConcurrency: number
  /** The key callers send as `Authorization: Bearer <key>`; required beyond loopback, behind a proxy or against real Pardot. */
  apiKey?: string
  /** Host names callers may use besides the bound address and localhost (a proxy's public name, say). */
  allowedHosts: string[]
  /** The largest request body taken, in bytes; a larger one is answered 413 unread. */
  maxBodyBytes: number
}

/** 50 MB: a 100,000-event batch of typical identify events (Segment's context included) is about 45 MB. */
export const DEFAULT_MAX_BODY_MB = 50

const FLAGS = {
  target: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'max-concurrency': { type: 'string' },
  'api-key': { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'max-body-mb': { type: 'string' }
} as const
const USE = 'use --target, --port, --host, --max-concurrency, --api-key, --allowed-hosts or --max-body-mb'

/** A setting's text, the flag winning over the environment variable, and where it came from (for a refusal). */
function setting(flag: string | undefined, flagName: string, env: string | undefined, envName: string) {
  if (flag !== undefined) return { text: flag, from: `from --${flagName}` }
  if (env !== undefined) return { text: env, from: `from ${envName}` }
  return undefined
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): ServerConfig {
  const flags = readFlags(argv, FLAGS, USE)
  const target = flags.target ?? env.PARDOT_TARGET ?? 'sandbox'
  if (target !== 'sandbox' && target !== 'pardot') {
    throw new Error(`Target "${target}" is not known: use "sandbox" (the embedded sandbox) or "pardot" (real Pardot).`)
  }
  const port = setting(flags.port, 'port', env.PORT, 'PORT')
  const concurrency = setting(
    flags['max-concurrency'],
    'max-concurrency',
    env.PARDOT_MAX_CONCURRENCY,
    'PARDOT_MAX_CONCURRENCY'
  )
  const bodyMb = setting(
    flags['max-body-mb'],
    'max-body-mb',
    env.PARDOT_SERVER_MAX_BODY_MB,
    'PARDOT_SERVER_MAX_BODY_MB'
  )
  const portNumber = port
    ? parseNumber('Port', port.text, { integer: true, max: 65535, expected: 'a port number', note: port.from })
    : 3000
  // Past 5, Pardot answers code 66 and the extra requests are only retried: a number above it is a mistake.
  const maxConcurrency = concurrency
    ? parseNumber('Max concurrency', concurrency.text, {
        integer: true,
        min: 1,
        max: 5,
        note: `Pardot allows 5 requests at once per business unit; ${concurrency.from}`
      })
    : 5
  const maxBodyMb = bodyMb
    ? parseNumber('Max body', bodyMb.text, {
        aboveMin: true,
        max: 1024,
        expected: 'a number of megabytes from 0 to 1024',
        note: bodyMb.from
      })
    : DEFAULT_MAX_BODY_MB
  const apiKey = flags['api-key'] ?? env.PARDOT_SERVER_API_KEY
  const allowed = flags['allowed-hosts'] ?? env.PARDOT_SERVER_ALLOWED_HOSTS ?? ''
  return {
    target,
    port: portNumber,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    maxConcurrency,
    ...(apiKey ? { apiKey } : {}),
    allowedHosts: allowed
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    maxBodyBytes: Math.floor(maxBodyMb * 1024 * 1024)
  }
}
