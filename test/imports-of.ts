import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Every `import`, `require`, dynamic `import()` and `jest.mock` specifier written in a file. */
const SPECIFIER =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|\bjest\.mock\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm

/** The .ts files under a folder, its tests included: what the folder checks in test/ scan. */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
  )
}

export function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => match[1])
}
