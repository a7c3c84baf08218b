import type { ModifiedResponse } from '@segment/actions-core'
import { isRecord } from '../guards'

/** What Pardot said, read from JSON `{code, message}` or XML `<err code="N">message</err>`. */
export interface PardotAnswer {
  status: number
  format: 'json' | 'xml' | 'other'
  code?: number
  message?: string
}

export function readPardotAnswer(response: Pick<ModifiedResponse, 'status' | 'data' | 'content'>): PardotAnswer {
  const status = response.status
  const json: unknown = isRecord(response.data) ? response.data : parseJson(response.content)
  if (isRecord(json)) {
    return {
      status,
      format: 'json',
      code: codeOf(json.code),
      message: typeof json.message === 'string' ? json.message : undefined
    }
  }
  const text = response.content ?? ''
  const err = /<err\b([^>]*)>([^<]*)<\/err>/.exec(text)
  if (err) {
    const code = /\bcode="(\d+)"/.exec(err[1])
    return { status, format: 'xml', code: code ? Number(code[1]) : undefined, message: err[2].trim() || undefined }
  }
  if (/^\s*<\?xml\b|^\s*<rsp\b/.test(text)) return { status, format: 'xml', message: plain(text) }
  // An HTML error page (a proxy's 502, say) says nothing a user can act on; short plain text does.
  return { status, format: 'other', message: /^\s*</.test(text) ? undefined : plain(text) }
}

/** Only a number or a string of digits is a Pardot code: `null`, `""` or `true` are not code 0 or 1. */
function codeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}

function plain(text: string): string | undefined {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (!flat) return undefined
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

export function parseJson(text: string | undefined): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The code an error and the `error` metric carry: `PARDOT_<code>`, or `PARDOT_HTTP_<status>` when none came back. */
export function pardotCode(answer: PardotAnswer): string {
  return answer.code === undefined ? `PARDOT_HTTP_${answer.status}` : `PARDOT_${answer.code}`
}

/** The Pardot code an error message of ours carries (`Pardot answered (code 122, HTTP 400)`), if any. */
export function pardotCodeIn(message: string | undefined): number | undefined {
  const found = /Pardot answered \(code (\d+), HTTP \d+\)/.exec(message ?? '')
  return found ? Number(found[1]) : undefined
}
