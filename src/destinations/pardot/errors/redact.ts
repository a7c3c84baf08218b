/** Never let a token or secret into a message, whatever the other side echoed back. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  return secrets.reduce<string>(
    (out, secret) => (secret && secret.length >= 4 ? out.split(secret).join('[redacted]') : out),
    text
  )
}
