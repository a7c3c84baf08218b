// Calls to this server. When the server needs its API key, the page asks for it once and keeps it for this tab's
// session only (sessionStorage), sending it as "Authorization: Bearer <key>".

const STORE = 'pardot-local-server-key'
/** One question at a time, however many calls met the 401 together. */
let asking

function withKey(options) {
  const key = sessionStorage.getItem(STORE)
  return key ? { ...options, headers: { ...(options.headers || {}), authorization: `Bearer ${key}` } } : options
}

function askForKey() {
  asking ??= Promise.resolve().then(() => {
    const key = window.prompt('This server needs its API key (the operator set PARDOT_SERVER_API_KEY):')
    if (key && key.trim()) sessionStorage.setItem(STORE, key.trim())
    asking = undefined
    return Boolean(key && key.trim())
  })
  return asking
}

/** `fetch` with the key; a 401 asks for the key and tries once more. */
export async function call(path, options = {}) {
  const answer = await fetch(path, withKey(options))
  if (answer.status !== 401 || !(await askForKey())) return answer
  return fetch(path, withKey(options))
}
