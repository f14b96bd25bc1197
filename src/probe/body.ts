/** Bounded body reading: keep the first bytes, drain the rest so the connection can be reused. */
import { TextDecoder } from 'node:util';

export interface CappedBytes {
  readonly bytes: Buffer;
  readonly truncated: boolean;
}

/**
 * Reads `body` to its end, keeping at most `maxBytes`. The rest is consumed and dropped, never
 * buffered: destroying the stream instead would close the keep-alive connection.
 */
export async function readCapped(body: AsyncIterable<Buffer | Uint8Array>, maxBytes: number): Promise<CappedBytes> {
  const kept: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const room = maxBytes - size;
    if (room <= 0) {
      truncated = true;
      continue;
    }
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (buf.length > room) {
      // Copy the slice so the big chunk it came from is not kept alive.
      kept.push(Buffer.from(buf.subarray(0, room)));
      size += room;
      truncated = true;
    } else {
      kept.push(buf);
      size += buf.length;
    }
  }
  return { bytes: Buffer.concat(kept, size), truncated };
}

/** The `charset` parameter of a content-type, if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType) : null;
  return m?.[1]?.toLowerCase();
}

/**
 * Bytes as text in the content-type's charset (UTF-8 when none or unknown). Never throws: bad
 * bytes, or a multi-byte character cut by the size cap, become U+FFFD.
 */
export function decodeText(bytes: Uint8Array, contentType: string | undefined): string {
  const label = charsetOf(contentType) ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}
