// Size report: source files over 300 lines and functions over 60, in src/ and scripts/.
// Tests, generated types and CSS are left aside. `--check` exits 1 when anything is over.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { scriptOptions } from './flags'

const MAX_FILE_LINES = 300
const MAX_FUNCTION_LINES = 60
const ROOTS = ['src', 'scripts']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === '__tests__' || name === 'node_modules' ? [] : sourceFiles(path)
    if (!/\.(ts|js|mjs)$/.test(name) || /\.test\.|generated-types\.ts$|\.d\.ts$/.test(name)) return []
    return [path]
  })
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node }
  if (named.name) return named.name.getText(source)
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(source)
  return '(anonymous)'
}

function longFunctions(path: string): string[] {
  const text = readFileSync(path, 'utf8')
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const lines = end - start + 1
      if (lines > MAX_FUNCTION_LINES) found.push(`${path}:${start + 1} ${functionName(node, source)} ${lines} lines`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const check = scriptOptions(
  { check: { type: 'boolean' } },
  `npm run sizes: source files over ${MAX_FILE_LINES} lines and functions over ${MAX_FUNCTION_LINES} in src/ and scripts/.\n  --check   exits 1 when anything is over (CI runs it)`,
  (flags) => flags.check ?? false
)
const files = ROOTS.flatMap((root) => sourceFiles(root)).map((path) => relative('.', path))
const longFiles = files
  .map((path) => ({ path, lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
  .filter(({ lines }) => lines > MAX_FILE_LINES)
  .map(({ path, lines }) => `${path} ${lines} lines`)
const functions = files.flatMap(longFunctions)

console.log(`files over ${MAX_FILE_LINES} lines: ${longFiles.length}`)
for (const line of longFiles) console.log(`  ${line}`)
console.log(`functions over ${MAX_FUNCTION_LINES} lines: ${functions.length}`)
for (const line of functions) console.log(`  ${line}`)
if (check && longFiles.length + functions.length > 0) process.exit(1)
