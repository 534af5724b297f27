// Chromium keeps every radio button of a shadow root in that shadow root's
// table of radio groups, and takes a button out only while the button is
// still inside it (renamed, or removed on its own). A button removed with an
// ancestor stays in the table, and with it the whole subtree it belongs to:
// a playground taken down inside <conv-playground>'s shadow root (its DOM,
// its canvases and their pixels, its listeners' closures) would live as long
// as the element. Taking the buttons out of their groups first lets it go.
//
//   releaseRadioGroups(instance.root);  instance.destroy();
//   releaseLater(shadowRoot, root);      // root was taken out while the element was
//                                        // not in the page: once it is again

/** Takes every named radio button under root out of its group (root must still be connected). */
export function releaseRadioGroups(root) {
  for (const input of root.querySelectorAll('input[type="radio"][name]')) {
    input.removeAttribute('name');
  }
}

/**
 * A root taken out of shadowRoot while the host was not in the document
 * (its buttons could not leave their groups then): put back for a moment,
 * hidden, once the host is in the document again, and released.
 */
export function releaseLater(shadowRoot, root) {
  root.hidden = true;
  shadowRoot.append(root);
  releaseRadioGroups(root);
  root.remove();
}
