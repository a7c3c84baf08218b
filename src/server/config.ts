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

const FLAGS = ['target', 'port', 'host', 'max-concurrency', 'api-key', 'allowed-hosts', 'max-body-mb']
const USE = 'use --target, --port, --host, --max-concurrency, --api-key, --allowed-hosts or --max-body-mb'

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): ServerConfig {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split('=', 2)
    if (!argv[i].startsWith('--')) throw new Error(`Unexpected argument "${argv[i]}"; ${USE}.`)
    flags.set(name, inline ?? argv[++i] ?? '')
  }
  for (const name of flags.keys()) {
    if (!FLAGS.includes(name)) throw new Error(`Unknown flag --${name}; ${USE}.`)
  }
  const target = flags.get('target') ?? env.PARDOT_TARGET ?? 'sandbox'
  if (target !== 'sandbox' && target !== 'pardot') {
    throw new Error(`Target "${target}" is not known: use "sandbox" (the embedded sandbox) or "pardot" (real Pardot).`)
  }
  const port = Number(flags.get('port') ?? env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Port "${port}" is not a port number.`)
  const concurrency = flags.get('max-concurrency') ?? env.PARDOT_MAX_CONCURRENCY ?? '5'
  const maxConcurrency = /^\s*\d+\s*$/.test(concurrency) ? Number(concurrency) : NaN
  // Past 5, Pardot answers code 66 and the extra requests are only retried: a number above it is a mistake.
  if (!(maxConcurrency >= 1 && maxConcurrency <= 5)) {
    throw new Error(
      `Max concurrency "${concurrency}" is not a whole number from 1 to 5 (Pardot allows 5 requests at once per business unit).`
    )
  }
  const bodyMb = flags.get('max-body-mb') ?? env.PARDOT_SERVER_MAX_BODY_MB ?? String(DEFAULT_MAX_BODY_MB)
  if (!/^\s*\d+(\.\d+)?\s*$/.test(bodyMb) || !(Number(bodyMb) > 0 && Number(bodyMb) <= 1024)) {
    throw new Error(`Max body "${bodyMb}" is not a number of megabytes from 0 to 1024.`)
  }
  const apiKey = flags.get('api-key') ?? env.PARDOT_SERVER_API_KEY
  const allowed = flags.get('allowed-hosts') ?? env.PARDOT_SERVER_ALLOWED_HOSTS ?? ''
  return {
    target,
    port,
    host: flags.get('host') ?? env.HOST ?? '127.0.0.1',
    maxConcurrency,
    ...(apiKey ? { apiKey } : {}),
    allowedHosts: allowed
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    maxBodyBytes: Math.floor(Number(bodyMb) * 1024 * 1024)
  }
}
