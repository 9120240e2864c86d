/**
 * `response`'s body as UTF-8 text, read no further than `maxBytes`: undefined past it (a declared
 * Content-Length over the cap is refused before reading; otherwise the stream is cancelled at the first byte
 * over it, so the rest is never read). Stream errors (a reset, the request's signal) reach the caller.
 */
export async function readCappedText(response: Response, maxBytes: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early cancels the stream.
  for await (const chunk of response.body ?? []) {
    total += chunk.byteLength;
    if (total > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
