/**
 * The package's root: the Pardot (Actions) destination definition as the default export, as a CDP loads it, and the
 * factory for one aimed at other hosts. The local server is the `./server` subpath.
 */
export { default, createPardotDestination, type PardotDestinationOptions } from './destinations/pardot'
export { HOSTS, type PardotEnvironments, type PardotHosts } from './destinations/pardot/hosts'
export type { Settings } from './destinations/pardot/generated-types'
