const SECRET_PARAM = /key|token|secret|pass|auth|sig/i;

/** The request path with the values of secret-looking query parameters replaced. */
export function redactQuery(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const params = new URLSearchParams(url.slice(mark + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_PARAM.test(name)) params.set(name, '[Redacted]');
  }
  return `${url.slice(0, mark)}?${params.toString()}`;
}
