// The theme of a playground mounted in a shadow root (the <conv-playground>
// element): its style sheet's dark rules (@media (prefers-color-scheme: dark))
// follow the host's theme attribute instead of the system alone, and the
// theme's custom properties can be set from the host page.
//
//   themeShadowSheet(sheet);   // sheet: the instance's CSSStyleSheet, :root already :host
//
// - theme="light": never the dark rules; theme="dark": always them;
//   no theme (or "auto"): the system setting, as on the full page.
// - Every custom property the :host rules define (--accent, --bg, --font, ...)
//   takes its value from --convplay-<name> when the host page sets it:
//   conv-playground { --convplay-accent: #7b3294; }

const AUTO = ':host(:not([theme="light"]))';
const DARK = ':host([theme="dark"])';
const DARK_MEDIA = /prefers-color-scheme:\s*dark/;

/** selectors with every one scoped to host (':host' itself becomes host). */
export function scopeSelectors(selectors, host) {
  return selectors
    .split(',')
    .map((s) => s.trim())
    .map((s) => (s.startsWith(':host') ? host + s.slice(5) : `${host} ${s}`))
    .join(', ');
}

/** The custom properties of a :host rule read --convplay-<name> first. */
function exposeProperties(rule) {
  const style = rule.style;
  for (const name of [...style]) {
    if (!name.startsWith('--') || name.startsWith('--convplay-')) continue;
    const value = style.getPropertyValue(name).trim();
    style.setProperty(name, `var(--convplay-${name.slice(2)}, ${value})`);
  }
}

const isHostRule = (rule) => rule instanceof CSSStyleRule && /^:host(\(|$)/.test(rule.selectorText);

export function themeShadowSheet(sheet) {
  const darkCopies = [];
  for (const rule of [...sheet.cssRules]) {
    if (isHostRule(rule)) exposeProperties(rule);
    if (!(rule instanceof CSSMediaRule) || !DARK_MEDIA.test(rule.conditionText)) continue;
    for (const inner of rule.cssRules) {
      if (!(inner instanceof CSSStyleRule)) continue;
      if (inner.selectorText === ':host') exposeProperties(inner);
      darkCopies.push(`${scopeSelectors(inner.selectorText, DARK)} { ${inner.style.cssText} }`);
      inner.selectorText = scopeSelectors(inner.selectorText, AUTO);
    }
  }
  for (const text of darkCopies) sheet.insertRule(text, sheet.cssRules.length);
  sheet.insertRule(':host([theme="light"]) { color-scheme: light; }', sheet.cssRules.length);
  sheet.insertRule(':host([theme="dark"]) { color-scheme: dark; }', sheet.cssRules.length);
}
