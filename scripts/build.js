// npm run build: a clean dist/ from tsconfig.build.json, plus the Event Tester's static files, which tsc does not
// copy and the server reads beside its compiled assets.js. Plain JavaScript so that it runs without ts-node.
const { spawnSync } = require('node:child_process')
const { cpSync, readdirSync, rmSync } = require('node:fs')
const { join } = require('node:path')

const root = join(__dirname, '..')
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })

const tsc = require.resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
if (compiled.status !== 0) process.exit(compiled.status ?? 1)

const tester = join(root, 'src', 'server', 'tester')
for (const file of readdirSync(tester)) {
  if (/\.(html|js|css)$/.test(file)) cpSync(join(tester, file), join(dist, 'server', 'tester', file))
}
