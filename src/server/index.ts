/** The package's `./server` subpath: the local destination server with its embedded Pardot sandbox. */
export { startLocalServer, type LocalServer, type LocalServerOptions } from './app'
export { localHosts } from './local-hosts'
export { PardotSandbox, SANDBOX_DEFAULTS, type SandboxOptions } from '../sandbox'
