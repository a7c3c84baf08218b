import { fork } from 'node:child_process'

/**
 * Runs `file` with `args` in a fresh process (through ts-node) and reads the number it prints last: one
 * measurement per process, so none pays for the heap or the JIT state of the ones before it.
 */
export function numberFromChild(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(file, args, {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc']
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out.trim().split('\n').pop())) : reject(new Error(`measurement exited ${code}`))
    )
  })
}
