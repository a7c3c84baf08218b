/** Operator configuration of the local server: environment variables, overridden by CLI flags. */
export interface ServerConfig {
  /** `sandbox`: the embedded Pardot sandbox (default). `pardot`: the real Pardot and Salesforce hosts. */
  target: 'sandbox' | 'pardot'
  host: string
  port: number
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): ServerConfig {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split('=', 2)
    if (!argv[i].startsWith('--')) throw new Error(`Unexpected argument "${argv[i]}"; use --target, --port or --host.`)
    flags.set(name, inline ?? argv[++i] ?? '')
  }
  for (const name of flags.keys()) {
    if (!['target', 'port', 'host'].includes(name))
      throw new Error(`Unknown flag --${name}; use --target, --port or --host.`)
  }
  const target = flags.get('target') ?? env.PARDOT_TARGET ?? 'sandbox'
  if (target !== 'sandbox' && target !== 'pardot') {
    throw new Error(`Target "${target}" is not known: use "sandbox" (the embedded sandbox) or "pardot" (real Pardot).`)
  }
  const port = Number(flags.get('port') ?? env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Port "${port}" is not a port number.`)
  return { target, port, host: flags.get('host') ?? env.HOST ?? '127.0.0.1' }
}
