/**
 * Bounded body reading: keep the first bytes and stop. Content-Encoding is undone on the way, so
 * the cap counts decoded bytes (a small gzip bomb cannot fill memory).
 */
import { pipeline, type Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface CappedBytes {
  readonly bytes: Buffer;
  /** The body had more than was kept: cut at the cap, or it stopped coming in time. */
  readonly truncated: boolean;
  /** Why reading stopped early, when it did not end at the body's end. */
  readonly cut?: 'cap' | 'interrupted' | undefined;
}

/** What we say we can decode (`Accept-Encoding`), most compact first. */
export const ACCEPT_ENCODING = 'br, gzip, deflate';

const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * `body` with its `content-encoding` undone (codings are listed in the order applied, so they are
 * undone last first). An unknown coding leaves the bytes as they came.
 */
export function decodedBody(body: Readable, contentEncoding: string | undefined): Readable {
  const codings = (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0 || !codings.every((c) => c in DECODERS)) return body;
  const streams = [body, ...codings.reverse().map((c) => DECODERS[c]!())] as [Readable, ...NodeJS.ReadWriteStream[]];
  // pipeline: an error or a stop anywhere destroys the whole chain (and so the connection).
  return pipeline(streams as unknown as [Readable, NodeJS.ReadWriteStream], () => {}) as unknown as Readable;
}

/**
 * Reads `body` until it ends or `maxBytes` are kept, then stops reading (a slow 100 MB body is not
 * waited for: the error page's first bytes are what matters). If the body breaks off (deadline,
 * reset, corrupt compression) after some bytes arrived, those bytes are returned, not lost: a
 * database error at the top of a page that never finishes is still diagnosed.
 */
export async function readCapped(body: AsyncIterable<Buffer | Uint8Array>, maxBytes: number): Promise<CappedBytes> {
  const kept: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const room = maxBytes - size;
      if (buf.length > room) {
        // Copy the slice so the big chunk it came from is not kept alive.
        if (room > 0) kept.push(Buffer.from(buf.subarray(0, room)));
        size += room;
        // Leaving the loop destroys the stream: the rest is never read.
        return { bytes: Buffer.concat(kept, size), truncated: true, cut: 'cap' };
      }
      kept.push(buf);
      size += buf.length;
    }
  } catch (error) {
    if (size === 0) throw error;
    return { bytes: Buffer.concat(kept, size), truncated: true, cut: 'interrupted' };
  }
  return { bytes: Buffer.concat(kept, size), truncated: false };
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
  // Every passing page arrives here empty (drained unread): no regex, no decoder.
  if (bytes.length === 0) return '';
  const label = charsetOf(contentType) ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}
