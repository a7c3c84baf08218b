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
const USE =
  'use --target, --port, --host, --max-concurrency, --api-key, --allowed-hosts or --max-body-mb (--help says what each does)'

/** `npm start -- --help`. */
export const SERVER_USAGE = `npm start [-- flags]: the local destination server. Each flag overrides its environment variable.
  --target sandbox        PARDOT_TARGET: sandbox (the embedded Pardot sandbox) or pardot (real Pardot)
  --port 3000             PORT
  --host 127.0.0.1        HOST
  --max-concurrency 5     PARDOT_MAX_CONCURRENCY: requests in flight to Pardot per business unit, 1 to 5
  --api-key <key>         PARDOT_SERVER_API_KEY: callers send "Authorization: Bearer <key>" (prefer the variable)
  --allowed-hosts a,b     PARDOT_SERVER_ALLOWED_HOSTS: host names callers may use besides the bound address
  --max-body-mb 50        PARDOT_SERVER_MAX_BODY_MB: the largest request body taken, in megabytes
  SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET: the Salesforce connected app, for real Pardot`

/** A setting's text, the flag winning over the environment variable, and where it came from (for a refusal). */
function setting(flags: Record<string, string | undefined>, flag: string, env: NodeJS.ProcessEnv, variable: string) {
  const [text, from] = flags[flag] !== undefined ? [flags[flag], `--${flag}`] : [env[variable], variable]
  return text === undefined ? undefined : { text, from: `from ${from}` }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): ServerConfig {
  const flags = readFlags(argv, FLAGS, USE)
  const target = flags.target ?? env.PARDOT_TARGET ?? 'sandbox'
  if (target !== 'sandbox' && target !== 'pardot') {
    throw new Error(`Target "${target}" is not known: use "sandbox" (the embedded sandbox) or "pardot" (real Pardot).`)
  }
  const port = setting(flags, 'port', env, 'PORT')
  const concurrency = setting(flags, 'max-concurrency', env, 'PARDOT_MAX_CONCURRENCY')
  const bodyMb = setting(flags, 'max-body-mb', env, 'PARDOT_SERVER_MAX_BODY_MB')
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
