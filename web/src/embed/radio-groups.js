// Chromium keeps every radio button of a shadow root in that shadow root's
// table of radio groups, and takes a button out only while the button is
// still inside it (renamed, or removed on its own). A button removed with an
// ancestor stays in the table, and with it the whole subtree it belongs to:
// a playground taken down inside <conv-playground>'s shadow root (its DOM,
// its canvases and their pixels, its listeners' closures) would live as long
// as the element. Taking the buttons out of their groups first lets it go.
//
//   releaseRadioGroups(instance.root);  instance.destroy();

/** Takes every named radio button under root out of its group (root must still be connected). */
export function releaseRadioGroups(root) {
  for (const input of root.querySelectorAll('input[type="radio"][name]')) {
    input.removeAttribute('name');
  }
}
