// What the playground says when its worker or WebAssembly module cannot load,
// written for the teacher who put it on a page: which directive of the page's
// Content-Security-Policy must allow what, or that the server of a
// cross-origin embed.js must send CORS headers. Only a missing build falls
// back to the developer's hint.
//
//   const watch = watchViolations(doc, assetBase);   // from the start of the mount
//   ... engine.ready fails with err ...
//   showFatal(explainLoadFailure(err, { violations: watch.stop(), assetBase, pageOrigin }));

/** Records the page's CSP violations that concern the playground's own files (or blob:, eval). */
export function watchViolations(doc, assetBase) {
  const seen = [];
  const base = String(assetBase);
  const onViolation = (e) => {
    const blocked = String(e.blockedURI || '');
    const ours = blocked.startsWith(base) || /^(blob|wasm-eval|eval)\b/.test(blocked);
    if (ours) seen.push({ directive: e.effectiveDirective || e.violatedDirective, blocked });
  };
  doc.addEventListener('securitypolicyviolation', onViolation);
  return {
    stop() {
      doc.removeEventListener('securitypolicyviolation', onViolation);
      return seen;
    },
  };
}

/** What a blocked URL is to the playground. */
function whatIs(blocked, directive) {
  if (/wasm|eval/.test(blocked) || directive === 'script-src') return 'WebAssembly module';
  if (/\.wasm(\?|$)/.test(blocked)) return 'WebAssembly file';
  if (directive === 'worker-src' || /worker/.test(blocked) || blocked.startsWith('blob')) {
    return 'worker';
  }
  if (/\.gz(\?|$)/.test(blocked)) return 'data set';
  return 'files';
}

/** The source expression a directive needs for a blocked URL. */
function sourceFor(blocked, assetOrigin, pageOrigin) {
  if (blocked.startsWith('blob')) return 'blob:';
  if (blocked.startsWith('data')) return 'data:';
  return assetOrigin === pageOrigin ? "'self'" : assetOrigin;
}

const WASM_EXAMPLE = "script-src 'self' 'wasm-unsafe-eval'";

function wasmRefused(err) {
  const text = `${err.message} ${(err.violations ?? []).map((v) => v.blocked).join(' ')}`;
  return /wasm-unsafe-eval|unsafe-eval|Content Security Policy|wasm-eval/i.test(text);
}

/**
 * The sentence shown when the module could not load. err: the engine's error
 * (err.violations: the worker's own; err.worker: the worker did not start);
 * violations: the page's (watchViolations); assetBase: the URL embed.js loads
 * its files from; pageOrigin: the page's origin.
 */
export function explainLoadFailure(err, { violations = [], assetBase, pageOrigin }) {
  const assetOrigin = new URL(assetBase).origin;
  const cross = assetOrigin !== pageOrigin && !/^(blob|data|file):/.test(String(assetBase));
  if (wasmRefused(err)) {
    return (
      `The playground cannot run: this page's Content-Security-Policy does not allow WebAssembly, ` +
      `which computes everything here. Its script-src directive must allow 'wasm-unsafe-eval', ` +
      `for example: ${WASM_EXAMPLE}. (The browser said: ${err.message})`
    );
  }
  const all = [...violations, ...(err.violations ?? [])];
  if (all.length) {
    const v = all[0];
    const source = sourceFor(v.blocked, assetOrigin, pageOrigin);
    const blob = v.directive === 'worker-src' && source !== 'blob:' ? ' blob:' : '';
    return (
      `The playground cannot run: this page's Content-Security-Policy blocked its ` +
      `${whatIs(v.blocked, v.directive)} (${v.blocked}). Its ${v.directive} directive must ` +
      `allow ${source}, for example: ${v.directive} ${source}${blob}.`
    );
  }
  if (cross) {
    return (
      `The playground cannot run: its files come from ${assetOrigin}, another site than this ` +
      `page (${pageOrigin}), and they could not be loaded (${err.message}). That server must send ` +
      `CORS headers (Access-Control-Allow-Origin: ${pageOrigin}, or *) for embed.js and the ` +
      `files of its assets/ folder (the worker, the .wasm, the photos); a ` +
      `Content-Security-Policy on this page must allow ${assetOrigin} in script-src, worker-src ` +
      `and connect-src.`
    );
  }
  return `${err.message}. Build it with "bash scripts/build.sh wasm" (or run "npm start").`;
}
