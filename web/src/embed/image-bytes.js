// The bytes of an image= URL (options.js checked it: a data: URL or one of
// the page's own origin), at most MAX_IMAGE_BYTES; rejects with a message
// that says why not.
import { decodeDataUrl } from '../common/bytes.js';

export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** The bytes of an image= URL (a data: URL or a same-origin one), at most MAX_IMAGE_BYTES. */
export async function imageBytes(url) {
  let bytes;
  if (url.startsWith('data:')) bytes = decodeDataUrl(url);
  else {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const length = Number(res.headers.get('content-length') || 0);
    if (length > MAX_IMAGE_BYTES)
      throw new Error(`${length} bytes is more than ${MAX_IMAGE_BYTES}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new Error(`${bytes.length} bytes is more than ${MAX_IMAGE_BYTES}`);
  return bytes;
}
