/** Operator configuration of the local server: environment variables, overridden by CLI flags. */
export interface ServerConfig {
  /** `sandbox`: the embedded Pardot sandbox (default). `pardot`: the real Pardot and Salesforce hosts. */
  target: 'sandbox' | 'pardot'
  host: string
  port: number
  /** Requests in flight to Pardot per business unit. Pardot allows 5; less leaves room for other integrations. */
  maxConcurrency: number
}

const FLAGS = ['target', 'port', 'host', 'max-concurrency']
const USE = 'use --target, --port, --host or --max-concurrency'

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
  return { target, port, host: flags.get('host') ?? env.HOST ?? '127.0.0.1', maxConcurrency }
}
