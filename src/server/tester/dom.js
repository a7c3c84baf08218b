// Small DOM helpers shared by the Event Tester's modules.

export const $ = (id) => document.getElementById(id)

/** A DOM element; strings become text nodes, so nothing from a server or an event is ever parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value)
    else if (value === true) node.setAttribute(name, '')
    else if (value !== false && value !== undefined) node.setAttribute(name, value)
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null))
  return node
}

/** Descriptions use `code` and [links](…); show code as code and links as their text. */
export function richText(text) {
  return (text || '')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/\*\*/g, '')
    .split('`')
    .map((part, i) => (i % 2 ? el('code', {}, part) : part))
}

export const json = (value) => el('pre', { class: 'json' }, JSON.stringify(value, null, 2))

/** A body as it travelled: JSON pretty-printed, text (a multipart import, an HTML error page) as it is. */
export function body(value) {
  if (value === undefined || value === null || value === '') return el('p', { class: 'empty' }, 'No body.')
  return typeof value === 'string' ? el('pre', { class: 'text' }, value) : json(value)
}

/** A default mapping in words: `traits.email, else properties.email`. */
export function describeMapping(value) {
  if (value && typeof value === 'object') {
    if (typeof value['@path'] === 'string') return value['@path'].replace(/^\$\./, '')
    const when = value['@if']
    if (when && when.then && when.else) return `${describeMapping(when.then)}, else ${describeMapping(when.else)}`
  }
  return JSON.stringify(value)
}
