// The full page's sharing tools (index.html; main.js calls these around
// mountPlayground):
//
//   const opts = pageOptions(location);     // before mounting: the iframe mode's query
//                                           // (?embed=1&panels=...&locked=...&notebook=off) and the notes
//                                           // about the link the page was opened with
//   const pg = mountPlayground(el, { hash: true, idPrefix: '', ...opts.mount });
//   decoratePage(pg, opts);
//
// Full page: a bar in the header with "Copy link", "Embed…" (both snippets,
// iframe and custom element, with copy buttons), "Export" (the feature maps as
// one PNG or a zip, the configuration as JSON) and "Import…" (a configuration).
// Iframe mode: no site header or footer, only the chosen panels, the locked
// controls disabled, and a small "Open in full" link to the same state.
import { PANEL_IDS } from '../page/panels/index.js';
import { snapshot } from '../common/state.js';
import { readPanels, readLocked, readNotebook, ALIASES } from './options.js';
import { linkNotes, pageLink, iframeSnippet, elementSnippet, LINK_IMAGE_NOTE } from './share.js';
import { configOf, readConfigText, mapsPng, mapsZip, download } from '../common/transfer.js';
import { postHeight } from './frame-height.js';
import shareCss from './share.css?inline';

/** The options of the page's URL (read before the playground rewrites the hash). */
export function pageOptions(loc) {
  const q = new URLSearchParams(loc.search);
  const notes = linkNotes(loc.hash);
  const embed = q.get('embed') === '1';
  const mount = {};
  if (embed) {
    mount.reset = 'start'; // Reset returns to the link the iframe was given
    if (q.has('panels')) {
      const r = readPanels(q.get('panels'));
      notes.push(...r.notes);
      if (r.values && r.values.length) mount.panels = r.values;
    }
    if (q.has('locked')) {
      const r = readLocked(q.get('locked'));
      notes.push(...r.notes);
      if (r.values) mount.locked = r.values;
    }
    if (q.has('notebook')) mount.notebook = readNotebook(q.get('notebook'), notes);
  }
  return { embed, mount, notes };
}

function el(doc, tag, props = {}, children = []) {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else if (v !== false && v !== undefined && v !== null) e.setAttribute(k, String(v));
  }
  e.append(...children);
  return e;
}

function adoptCss(doc) {
  const sheet = new doc.defaultView.CSSStyleSheet();
  sheet.replaceSync(shareCss);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

async function copyText(text, field, status) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    /* no clipboard access */
  }
  if (!ok && field) {
    field.focus();
    field.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
  }
  status.textContent = ok ? 'Copied.' : 'Select the text and copy it (Ctrl+C).';
}

/** The feature-map canvases of an instance (what the volume panel drew). */
export function mapCanvases(instance) {
  return [...instance.root.querySelectorAll('[data-part="output-volume"] canvas.fmap')];
}

/** The notes about the link, at the top of the page. */
function showNotes(doc, notes, before) {
  if (!notes.length) return null;
  const box = el(
    doc,
    'div',
    { class: 'cp-page-notes', role: 'status', 'data-part': 'link-notes' },
    notes.map((n) => el(doc, 'p', { text: n })),
  );
  before.before(box);
  return box;
}

/** Iframe mode: no site header or footer, and a small "Open in full" link to the same state. */
function iframeMode(instance, doc, host) {
  doc.documentElement.classList.add('cp-iframe-mode');
  postHeight(doc); // the host page may size the frame to it
  for (const e of doc.querySelectorAll('header.site, footer.site')) e.hidden = true;
  const link = el(doc, 'a', {
    target: '_blank',
    rel: 'noopener',
    'data-part': 'open-full',
    text: 'Open in full ↗',
  });
  const update = () => {
    link.href = pageLink(doc.location.href, instance.hash);
  };
  update();
  instance.root.addEventListener('convplay:statechange', update);
  host.before(el(doc, 'p', { class: 'cp-open-full' }, [link]));
}

/** "Copy link": a dialog with the link to this state; returns the dialog. */
function linkTool(instance, doc, bar) {
  const linkField = el(doc, 'input', {
    type: 'text',
    readonly: true,
    'aria-label': 'Link to this state',
    'data-part': 'link-field',
  });
  const linkStatus = el(doc, 'p', { class: 'cp-status', role: 'status' });
  const linkDialog = el(
    doc,
    'dialog',
    { class: 'cp-dialog', 'aria-labelledby': 'cp-link-h', 'data-part': 'link-dialog' },
    [
      el(doc, 'h2', { id: 'cp-link-h', text: 'Link to this state' }),
      linkField,
      el(doc, 'p', { class: 'hint', text: LINK_IMAGE_NOTE }),
      linkStatus,
      el(doc, 'div', { class: 'cp-buttons' }, [
        el(doc, 'button', {
          type: 'button',
          text: 'Copy',
          onclick: () => copyText(linkField.value, linkField, linkStatus),
        }),
        el(doc, 'button', { type: 'button', text: 'Close', onclick: () => linkDialog.close() }),
      ]),
    ],
  );
  bar.append(
    el(doc, 'button', {
      type: 'button',
      'data-part': 'copy-link',
      text: 'Copy link',
      onclick: () => {
        linkField.value = pageLink(doc.location.href, instance.hash);
        linkStatus.textContent = '';
        linkDialog.showModal();
        copyText(linkField.value, linkField, linkStatus);
      },
    }),
  );
  return linkDialog;
}

/** "Embed…": the iframe and custom element snippets of this state; returns the dialog. */
function embedTool(instance, doc, bar) {
  const defaultPanels = ['image', 'layer', 'formula', 'volume', 'inspect'];
  const lockable = ['f', 'p', 'pad', 's', 'dil', 'k', 'mode', 'img', 'size'];
  const panelBoxes = PANEL_IDS.map((id) =>
    el(doc, 'input', { type: 'checkbox', value: id, checked: defaultPanels.includes(id) }),
  );
  const lockBoxes = lockable.map((name) => el(doc, 'input', { type: 'checkbox', value: name }));
  const iframeArea = el(doc, 'textarea', {
    readonly: true,
    rows: 4,
    'aria-label': 'iframe snippet',
    'data-part': 'iframe-snippet',
  });
  const elementArea = el(doc, 'textarea', {
    readonly: true,
    rows: 8,
    'aria-label': 'custom element snippet',
    'data-part': 'element-snippet',
  });
  const embedStatus = el(doc, 'p', { class: 'cp-status', role: 'status' });
  const refresh = () => {
    const choice = {
      panels: panelBoxes.filter((b) => b.checked).map((b) => b.value),
      locked: lockBoxes.filter((b) => b.checked).map((b) => b.value),
    };
    const page = pageLink(doc.location.href, '');
    iframeArea.value = iframeSnippet(page, instance.hash, choice);
    elementArea.value = elementSnippet(new URL('embed.js', page).href, instance.hash, choice);
  };
  for (const b of [...panelBoxes, ...lockBoxes]) b.addEventListener('change', refresh);
  const boxes = (list, label) =>
    el(doc, 'fieldset', {}, [
      el(doc, 'legend', { text: label }),
      ...list.map((b) => el(doc, 'label', {}, [b, ` ${ALIASES[b.value] ?? b.value}`])),
    ]);
  const embedDialog = el(
    doc,
    'dialog',
    { class: 'cp-dialog', 'aria-labelledby': 'cp-embed-h', 'data-part': 'embed-dialog' },
    [
      el(doc, 'h2', { id: 'cp-embed-h', text: 'Embed this playground' }),
      boxes(panelBoxes, 'Panels shown'),
      boxes(lockBoxes, 'Controls locked'),
      el(doc, 'h3', { text: 'In an iframe (any page)' }),
      iframeArea,
      el(doc, 'button', {
        type: 'button',
        text: 'Copy the iframe',
        onclick: () => copyText(iframeArea.value, iframeArea, embedStatus),
      }),
      el(doc, 'h3', { text: 'As a custom element (a page that may load scripts)' }),
      elementArea,
      el(doc, 'button', {
        type: 'button',
        text: 'Copy the element',
        onclick: () => copyText(elementArea.value, elementArea, embedStatus),
      }),
      el(doc, 'p', { class: 'hint', text: `Both use this page's state. ${LINK_IMAGE_NOTE}` }),
      embedStatus,
      el(doc, 'div', { class: 'cp-buttons' }, [
        el(doc, 'button', { type: 'button', text: 'Close', onclick: () => embedDialog.close() }),
      ]),
    ],
  );
  bar.append(
    el(doc, 'button', {
      type: 'button',
      'data-part': 'embed',
      text: 'Embed…',
      onclick: () => {
        refresh();
        embedStatus.textContent = '';
        embedDialog.showModal();
      },
    }),
  );
  return embedDialog;
}

/** "Export": the feature maps (one PNG, or a zip with the filters and configuration), the configuration (JSON). */
function exportMenu(instance, doc, transferStatus) {
  const fail = (e) => {
    transferStatus.textContent = `Export failed: ${e.message}`;
  };
  const configText = () => `${JSON.stringify(configOf(snapshot(instance.state)), null, 2)}\n`;
  const filtersText = () => {
    const w = instance.result?.weights;
    if (!w) return null;
    return `${JSON.stringify({
      format: 'convplay-filters',
      version: 1,
      shape: Array.from(w.shape ?? []),
      data: Array.from(w.data ?? []),
      bias: Array.from(instance.result?.bias ?? []),
    })}\n`;
  };
  return el(doc, 'details', { class: 'cp-menu' }, [
    el(doc, 'summary', { text: 'Export', 'data-part': 'export' }),
    el(doc, 'div', { class: 'cp-menu-items' }, [
      el(doc, 'button', {
        type: 'button',
        'data-part': 'export-png',
        text: 'Feature maps (one PNG)',
        onclick: () =>
          mapsPng(mapCanvases(instance), doc).then(
            (b) => download(b, 'convplay-maps.png', doc),
            fail,
          ),
      }),
      el(doc, 'button', {
        type: 'button',
        'data-part': 'export-zip',
        text: 'Feature maps, filters, configuration (zip)',
        onclick: () => {
          const files = { 'convplay-config.json': configText() };
          const f = filtersText();
          if (f) files['convplay-filters.json'] = f;
          mapsZip(mapCanvases(instance), files).then((b) => download(b, 'convplay.zip', doc), fail);
        },
      }),
      el(doc, 'button', {
        type: 'button',
        'data-part': 'export-json',
        text: 'Configuration (JSON)',
        onclick: () =>
          download(
            new Blob([configText()], { type: 'application/json' }),
            'convplay-config.json',
            doc,
          ),
      }),
    ]),
  ]);
}

/** "Import…": a configuration file (JSON) into the state; returns the file input. */
function importInput(instance, doc, transferStatus) {
  const input = el(doc, 'input', {
    type: 'file',
    accept: '.json,application/json',
    class: 'visually-hidden',
    id: 'cp-import-file',
    'data-part': 'import-file',
  });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      if (file.size > 2 * 1024 * 1024)
        throw new Error(`the file is ${file.size} bytes, more than a configuration`);
      const state = readConfigText(await file.text());
      instance.update(state);
      transferStatus.textContent = `Imported ${file.name}.`;
      transferStatus.classList.remove('error');
    } catch (e) {
      transferStatus.textContent = `${file.name} was not imported: ${e.message}`;
      transferStatus.classList.add('error');
    }
  });
  return input;
}

/** Export and import, with their status line. */
function transferTools(instance, doc, bar) {
  const transferStatus = el(doc, 'p', {
    class: 'cp-status',
    role: 'status',
    'data-part': 'transfer-status',
  });
  bar.append(
    exportMenu(instance, doc, transferStatus),
    el(doc, 'label', {
      class: 'button',
      for: 'cp-import-file',
      'data-part': 'import',
      text: 'Import…',
    }),
    importInput(instance, doc, transferStatus),
    transferStatus,
  );
}

/** The page's header bar (full page) or the "Open in full" link (iframe mode) around instance. */
export function decoratePage(instance, opts, doc = document) {
  adoptCss(doc);
  const host = instance.root.parentElement ?? doc.body;
  showNotes(doc, opts.notes, host);
  if (opts.embed) {
    iframeMode(instance, doc, host);
    return;
  }
  const header = doc.querySelector('header.site') ?? doc.body;
  const bar = el(doc, 'div', {
    class: 'cp-sharebar',
    role: 'toolbar',
    'aria-label': 'Share, export and import',
  });
  header.append(bar);
  const linkDialog = linkTool(instance, doc, bar);
  const embedDialog = embedTool(instance, doc, bar);
  transferTools(instance, doc, bar);
  doc.body.append(linkDialog, embedDialog);
}
