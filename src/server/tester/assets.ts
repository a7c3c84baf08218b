import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const SCRIPTS = ['tester', 'api', 'dom', 'samples', 'mapping', 'results', 'prospects', 'imports']

/** The Event Tester's files by the path a browser asks for; nothing else on disk is reachable. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/tester/tester.css': { file: 'tester.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(
    SCRIPTS.map((name) => [`/tester/${name}.js`, { file: `${name}.js`, type: 'text/javascript; charset=utf-8' }])
  )
}

export interface Asset {
  type: string
  body: Buffer
}

/** Whether a path is one of the Event Tester's static files (served without the API key: they hold no data). */
export function isTesterAsset(path: string): boolean {
  return Object.hasOwn(ASSETS, path)
}

/** Read on each request, so an edited page shows on reload without a restart. */
export async function testerAsset(path: string): Promise<Asset | undefined> {
  const asset = isTesterAsset(path) ? ASSETS[path] : undefined
  return asset && { type: asset.type, body: await readFile(join(__dirname, asset.file)) }
}
