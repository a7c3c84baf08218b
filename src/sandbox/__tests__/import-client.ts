import { SANDBOX_DEFAULTS } from '..'
import type { SandboxUnderTest } from './harness'

export const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${SANDBOX_DEFAULTS.accessToken}`,
  'pardot-business-unit-id': SANDBOX_DEFAULTS.businessUnitId,
  ...extra
})

function form(parts: Record<string, string>): { body: string; type: string } {
  const b = 'XyZ'
  const body =
    Object.entries(parts)
      .map(([name, content]) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${content}\r\n`)
      .join('') + `--${b}--\r\n`
  return { body, type: `multipart/form-data; boundary=${b}` }
}

export const input = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ operation: 'Upsert', object: 'Prospect', ...extra })

/** The Import API called the way a client calls Pardot's: multipart uploads, then polls until the import ends. */
export function importClient(current: () => SandboxUnderTest) {
  const upload = async (path: string, parts: Record<string, string>) => {
    const { body, type } = form(parts)
    const res = await fetch(current().base + path, {
      method: 'POST',
      headers: headers({ 'content-type': type }),
      body
    })
    return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as Record<string, unknown> }
  }
  const status = async (id: unknown) => {
    const res = await fetch(
      `${current().base}/api/v5/imports/${String(id)}?fields=id,status,createdCount,updatedCount,errorCount`,
      { headers: headers() }
    )
    return (await res.json()) as Record<string, unknown>
  }
  /** Polls the import until it ends, as a client must: the create call only accepts the file. */
  const settled = async (id: unknown) => {
    // Bounded, so a test that fails cannot leave this loop running after it.
    for (const end = Date.now() + 10_000; Date.now() < end;) {
      const answer = await status(id)
      if (answer.status === 'Complete' || answer.status === 'Failed') return answer
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    throw new Error(`Import ${String(id)} did not end within 10 s`)
  }
  /** Creates an import Ready with its file and waits for its end. */
  const imported = async (file: string, extra: Record<string, unknown> = {}) => {
    const created = await upload('/api/v5/imports', { input: input({ status: 'Ready', ...extra }), file })
    return { created, ended: created.status === 201 ? await settled(created.body.id) : undefined }
  }
  const errors = async (id: unknown) => {
    const res = await fetch(`${current().base}/api/v5/imports/${String(id)}/errors`, { headers: headers() })
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
  }
  return { upload, status, settled, imported, errors }
}
