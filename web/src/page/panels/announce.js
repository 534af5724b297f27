// What a screen reader hears after a change of the layer: one polite live
// region, visually hidden, that says the new output size ("Output 222 × 166 × 4")
// or why the layer is impossible (the same words as the message on screen).
// It speaks only when its text changes, and not for the first view (the page
// itself is read then), so a slider dragged across many values queues no
// backlog of the same words.

/** The sentence for result r: the output volume's size or the impossible layer's message. */
export function announcement(r) {
  if (r.error || !r.output) return `Impossible layer: ${r.error?.message ?? 'no output'}.`;
  const [, K, H2, W2] = r.output.shape;
  return `Output ${W2} × ${H2} × ${K}`;
}

export function mount(ctx) {
  const region = ctx.doc.createElement('p');
  region.id = ctx.id('announce');
  region.dataset.part = 'announce';
  region.className = 'visually-hidden';
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('aria-atomic', 'true');
  ctx.root.append(region);
  let said = null;

  function update(r) {
    const text = announcement(r);
    if (said !== null && text !== said) region.textContent = text;
    said = text;
  }
  return { update, api: { region } };
}
