/**
 * Regenerates every generated-types.ts from the field definitions, as Segment's CLI does:
 * settings → `Settings` beside each destination, each action's fields → `Payload` in its folder.
 * `--check` writes nothing and fails when a file is stale.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fieldsToJsonSchema, type DestinationDefinition, type MinimalInputField } from '@segment/actions-core'
import { compile, type JSONSchema } from 'json-schema-to-typescript'
import type { Options as PrettierOptions } from 'prettier'
import prettierConfig from '../.prettierrc.json'
import { scriptOptions } from './flags'

type Fields = Record<string, MinimalInputField>

const DESTINATIONS = path.join(__dirname, '..', 'src', 'destinations')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'

function stripTitlesAndEnums(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTitlesAndEnums)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'title' && key !== 'enum')
      .map(([key, inner]) => [key, stripTitlesAndEnums(inner)])
  )
}

async function typesFor(fields: Fields, name: string): Promise<string> {
  const schema = stripTitlesAndEnums(fieldsToJsonSchema(fields, { tsType: true })) as JSONSchema
  return compile(schema, name, {
    bannerComment: BANNER,
    style: { ...(prettierConfig as PrettierOptions), parser: 'typescript' }
  })
}

async function expectedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const entry of readdirSync(DESTINATIONS, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const dir = path.join(DESTINATIONS, entry.name)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const definition = (require(dir) as { default: DestinationDefinition & { audienceFields?: Fields } }).default
    let settings = await typesFor(definition.authentication?.fields ?? {}, 'Settings')
    // An audience destination's audience settings go beside its settings, as Segment's CLI writes them.
    if (definition.audienceFields) {
      settings += await typesFor(definition.audienceFields, 'AudienceSettings')
    }
    files.set(path.join(dir, 'generated-types.ts'), settings)
    for (const [slug, action] of Object.entries(definition.actions)) {
      files.set(path.join(dir, slug, 'generated-types.ts'), await typesFor(action.fields, 'Payload'))
    }
  }
  return files
}

async function main() {
  const check = scriptOptions(
    { check: { type: 'boolean' } },
    'npm run types: regenerates every generated-types.ts.\n  --check   writes nothing, and fails when a file is stale (npm run types:check)',
    (flags) => flags.check ?? false
  )
  const stale: string[] = []
  for (const [file, content] of await expectedFiles()) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (current === content) continue
    stale.push(path.relative(process.cwd(), file))
    if (!check) writeFileSync(file, content)
  }
  if (check && stale.length > 0) {
    console.error(`Generated types are out of date; run \`npm run types\`:\n  ${stale.join('\n  ')}`)
    process.exit(1)
  }
  console.log(check ? 'Generated types are up to date.' : `Generated types: ${stale.length} file(s) written.`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
