// The bytes behind a URL. A data: URL is decoded here, without a request: the
// single-file page (dist/convplay.html) carries its sample photos as data:
// URLs and runs from file:// or inside a learning-management system, where a
// fetch() of a data: URL is refused by the page's Content-Security-Policy
// (connect-src). Any other URL is fetched.

/** Uint8Array of a data: URL (base64 or percent-encoded); throws on anything else. */
export function decodeDataUrl(url) {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0)
    throw new Error(`not a data: URL: ${url.slice(0, 40)}`);
  const head = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (/;base64$/i.test(head)) {
    const bin = atob(body);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return new TextEncoder().encode(decodeURIComponent(body));
}

/** Resolves the bytes of url: decoded when it is a data: URL, fetched otherwise. */
export async function bytesOf(url) {
  const s = String(url);
  if (s.startsWith('data:')) return decodeDataUrl(s);
  const res = await fetch(s);
  if (!res.ok) throw new Error(`could not load ${s} (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
