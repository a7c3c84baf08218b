import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * `liquidjs` is in our dependencies though no code of ours imports it: actions-core's mapping kit requires it (for
 * the `@liquid` directive) at load time without declaring it, so without it `@segment/actions-core` fails to load
 * and the destination with it (docs/development.md). This fails if it is removed while actions-core still needs it.
 */

const ROOT = join(__dirname, '..')
// Its exports do not include package.json: up from its entry point (dist/cjs/index.js) to the package folder.
const CORE = join(dirname(require.resolve('@segment/actions-core')), '..', '..')

interface Manifest {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}
const manifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsFiles(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []
  )
}

const coreRequiresLiquid = jsFiles(join(CORE, 'dist', 'cjs')).some((file) =>
  /require\(["']liquidjs["']\)/.test(readFileSync(file, 'utf8'))
)
const core = manifest(join(CORE, 'package.json'))

it('reads actions-core itself', () => {
  expect((JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as { name?: string }).name).toBe(
    '@segment/actions-core'
  )
})
const coreDeclaresLiquid = Boolean(core.dependencies?.liquidjs ?? core.peerDependencies?.liquidjs)

it('keeps liquidjs as a dependency while actions-core requires it without declaring it', () => {
  const ours = manifest(join(ROOT, 'package.json'))
  if (coreRequiresLiquid && !coreDeclaresLiquid) expect(ours.dependencies?.liquidjs).toMatch(/^\^?10\./)
  // Today that is the case; when actions-core declares it or stops requiring it, this line says it may go.
  expect({ coreRequiresLiquid, coreDeclaresLiquid }).toEqual({ coreRequiresLiquid: true, coreDeclaresLiquid: false })
})

it('is installed where actions-core resolves it', () => {
  expect(() => require.resolve('liquidjs', { paths: [CORE] })).not.toThrow()
})
