import { HOSTS, type PardotEnvironments } from '../destinations/pardot/hosts'

/**
 * The hosts of every environment, aimed at a local sandbox at `baseUrl`: each real host becomes the first path
 * segment (`<baseUrl>/pi.pardot.com/api/v5/…`), so the sandbox still tells production from demo by it.
 */
export function localHosts(baseUrl: string): PardotEnvironments {
  const base = baseUrl.replace(/\/+$/, '')
  const aim = (real: string) => `${base}/${new URL(real).host}`
  const environments = Object.entries(HOSTS).map(([name, real]) => [
    name,
    { api: aim(real.api), login: aim(real.login) }
  ])
  return Object.fromEntries(environments) as PardotEnvironments
}
