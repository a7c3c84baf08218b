import { dirname, join, relative, resolve, sep } from 'node:path'
import { importsOf, tsFiles } from './imports-of'

/**
 * The sandbox is an independent model of Pardot, built from the docs: if it imported the destination's code (or the
 * local server's), a mistake there would be copied into the model and the tests would agree with it. Every import it
 * makes, tests included, stays out of src/destinations and src/server (the shared src/http router is fine).
 */

const SRC = resolve(__dirname, '..', 'src')
const FOLDER = join(SRC, 'sandbox')
const FORBIDDEN = [join(SRC, 'destinations'), join(SRC, 'server')]
const files = tsFiles(FOLDER)

it('finds the files it checks', () => {
  expect(files.length).toBeGreaterThan(20)
  expect(files.some((file) => file.includes(`${sep}__tests__${sep}`))).toBe(true)
})

it.each(files.map((file) => [relative(FOLDER, file), file]))(
  '%s imports nothing from src/destinations or src/server',
  (_, file) => {
    const forbidden = importsOf(file)
      .filter((specifier) => specifier.startsWith('.'))
      .filter((specifier) => {
        const target = resolve(dirname(file), specifier)
        return FORBIDDEN.some((folder) => target === folder || target.startsWith(folder + sep))
      })
    expect(forbidden).toEqual([])
  }
)
