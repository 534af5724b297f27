// The lab's messages above the graph: the module's refusal, a failed finite
// difference, then the notes on the case shown (those that quote ∂L/∂x wait,
// in step mode, until ∂L/∂x is revealed).

const NOTE_LEAD = { insight: 'Insight. ', error: 'Why. ' };

/** h: the lab's element builder; res: the lab job's answer; vs: what the step reveals. */
export function messageNodes(h, res, vs) {
  const items = [];
  const failure = (lead, quote, attrs = {}) =>
    h(
      'div',
      { class: 'bn-error', role: 'alert', ...attrs },
      h('strong', { text: lead }),
      h('q', quote),
    );
  if (!res.ok)
    items.push(
      failure(
        'The module refused: ',
        { class: 'bn-error-text', text: res.error },
        { 'data-note': 'error' },
      ),
    );
  if (res.ok && res.fd?.error)
    items.push(failure('Finite differences failed: ', { text: res.fd.error }));
  const notes = (res.notes || []).filter((n) => !n.needs || vs.revealed.has(n.needs));
  if (notes.length)
    items.push(
      h(
        'ul',
        { class: 'bn-notes' },
        ...notes.map((n) =>
          h(
            'li',
            { class: `bn-note bn-note--${n.kind}`, 'data-note': n.id },
            h('strong', { text: NOTE_LEAD[n.kind] ?? 'Check. ' }),
            n.text,
          ),
        ),
      ),
    );
  return items;
}
