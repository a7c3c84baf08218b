import { readFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { importsOf, tsFiles } from './imports-of'

/**
 * The destination folder must move into Segment's monorepo as it is: every import it makes (tests included) stays in
 * the folder or names a package the monorepo already has, and it uses nothing newer than ES2020 there
 * (`npm run typecheck:monorepo` compiles it under those options; this catches what the compiler would follow).
 */

const FOLDER = resolve(__dirname, '..', 'src', 'destinations', 'pardot')
const PACKAGES = ['@segment/actions-core', 'dayjs', 'lru-cache', 'nock', '@jest/globals']
const files = tsFiles(FOLDER)

it('finds the files it checks', () => {
  expect(files.length).toBeGreaterThan(30)
  expect(files.some((file) => file.includes(`${sep}__tests__${sep}`))).toBe(true)
})

it.each(files.map((file) => [relative(FOLDER, file), file]))(
  '%s imports only the folder and allowed packages',
  (_, file) => {
    const outside = importsOf(file).filter((specifier) =>
      specifier.startsWith('.')
        ? !resolve(dirname(file), specifier).startsWith(FOLDER)
        : !PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`))
    )
    expect(outside).toEqual([])
  }
)

it('uses no ES2021+ built-ins the monorepo library does not declare', () => {
  const newer = /\bObject\.hasOwn\(|\.at\(-|\breplaceAll\(|\bstructuredClone\(|\.findLast(Index)?\(/
  expect(files.filter((file) => newer.test(readFileSync(file, 'utf8'))).map((file) => relative(FOLDER, file))).toEqual(
    []
  )
})
