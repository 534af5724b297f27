// A Vite plugin for the single-file page: after vite-plugin-singlefile has
// inlined every script and style sheet, it adds the SHA-256 of each inline
// <script> and <style> to the page's Content-Security-Policy <meta>
// (script-src / style-src), so the page keeps its strict policy (no
// 'unsafe-inline') with everything inlined, and puts the favicon in as a
// data: URL (the single file requests nothing).
import crypto from 'node:crypto';
import fs from 'node:fs';

const sha = (text) =>
  `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function hashesOf(html, tag) {
  const re = new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'gi');
  const out = [];
  for (const m of html.matchAll(re)) if (m[1].length) out.push(sha(m[1]));
  return out;
}

/** Adds hashes to directive name of a policy string. */
function addToDirective(policy, name, sources) {
  const parts = policy
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  const i = parts.findIndex((p) => p.split(/\s+/)[0] === name);
  if (i < 0) throw new Error(`csp-hashes: the policy has no ${name}`);
  parts[i] = [parts[i], ...sources].join(' ');
  return parts.join('; ');
}

export function cspHashes({ favicon } = {}) {
  return {
    name: 'convplay-csp-hashes',
    enforce: 'post',
    apply: 'build',
    transformIndexHtml(html) {
      if (!favicon) return html;
      const svg = fs.readFileSync(favicon);
      return html.replace(
        /(<link rel="icon" href=")[^"]*(")/,
        `$1data:image/svg+xml;base64,${svg.toString('base64')}$2`,
      );
    },
    // after vite-plugin-singlefile's own generateBundle (also order 'post': this
    // plugin comes after it in the plugin list)
    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        for (const asset of Object.values(bundle)) {
          if (asset.type !== 'asset' || !asset.fileName.endsWith('.html')) continue;
          let html = String(asset.source);
          const meta = /(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/;
          const m = html.match(meta);
          if (!m)
            throw new Error(`csp-hashes: ${asset.fileName} has no Content-Security-Policy <meta>`);
          let policy = addToDirective(m[2], 'script-src', hashesOf(html, 'script'));
          policy = addToDirective(policy, 'style-src', hashesOf(html, 'style'));
          html = html.replace(meta, () => `${m[1]}${policy}${m[3]}`);
          asset.source = html;
        }
      },
    },
  };
}
