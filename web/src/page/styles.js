// The instance's style sheets, adopted by the document or shadow root it is
// mounted in (constructable style sheets: nothing to load, allowed by a strict
// CSP). One sheet per document or shadow root, shared by the instances mounted
// in it and removed with the last of them.
import pageCss from './styles/page.css?inline';
import panelsCss from './styles/panels.css?inline';
import gradientsCss from './styles/gradients.css?inline';
import bnlabCss from './styles/bnlab.css?inline';
import nnlabCss from './styles/nnlab.css?inline';
import { themeShadowSheet } from './theme.js';

const CSS_TEXT = [pageCss, panelsCss, gradientsCss, bnlabCss, nnlabCss].join('\n');

const adopted = new WeakMap(); // Document | ShadowRoot -> {sheet, count}

/** Adopts the sheet in target (a Document or a ShadowRoot); returns the function that lets it go. */
export function adoptStyles(target) {
  let entry = adopted.get(target);
  if (!entry) {
    const sheet = new CSSStyleSheet();
    const shadow = typeof ShadowRoot !== 'undefined' && target instanceof ShadowRoot;
    // in a shadow root the page's :root / html / body rules apply to the host
    sheet.replaceSync(
      shadow ? CSS_TEXT.replace(/:root|\bhtml\b(?=[\s,{])|\bbody\b(?=[\s,{])/g, ':host') : CSS_TEXT,
    );
    if (shadow) themeShadowSheet(sheet); // the host's theme attribute and --convplay-* properties
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
    entry = { sheet, count: 0 };
    adopted.set(target, entry);
  }
  entry.count += 1;
  return () => {
    entry.count -= 1;
    if (entry.count > 0) return;
    target.adoptedStyleSheets = target.adoptedStyleSheets.filter((s) => s !== entry.sheet);
    adopted.delete(target);
  };
}
