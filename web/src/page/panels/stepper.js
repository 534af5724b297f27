// Step-through mode: the window sliding over a SMALL input (N x N, one channel)
// with the layer's current F, P (and padding mode), S, dilation and operation,
// as the lecture's slides do, with the numbers in the cells.
//
// Everything shown comes from the module: the padded grid through
// padSourceIndex (so replicate/reflect/circular match the core), the sizes
// through conv2dGeometry and the output cells through conv2dForward on that
// same small input. The products and their sum are the window's taps times the
// weights; the sum is shown beside the module's value for that output cell (a
// test checks they agree).
//
// State rows used here (in state.js's PROPS): sn (input side N), sin ('grid' = small integers,
// 'image' = the current image down-sampled to N x N grey), sk ('ints' = a
// small integer kernel, 'layer' = the layer's filter 1 summed over channels).
// The position of the window is local (never in the URL: playing would
// rewrite the hash every frame).
import { snapshot } from '../../common/state.js';
import { divergingCss, textOn } from '../render.js';
import { el } from '../dom.js';

const SPEEDS = [
  { ms: 1500, label: 'slow' },
  { ms: 700, label: 'normal' },
  { ms: 250, label: 'fast' },
];

/** Numbers in the cells: integers as they are, others with 2 decimals at most. */
export function cellText(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v - Math.round(v)) < 1e-9) return String(Math.round(v)).replace(/^-0$/, '0');
  const r = Math.round(v * 100) / 100;
  return r === 0 ? (v < 0 ? '-0.00' : '0.00') : String(r);
}

export function mount(ctx) {
  const engine = ctx.engine;
  const root = ctx.slot('stepper');
  const id = ctx.id;
  const state = ctx.state;
  const set = ctx.set;
  root.classList.add('cp-stepper');
  root.setAttribute('aria-labelledby', id('stepper-h'));

  const h = el('h2', {
    id: id('stepper-h'),
    'data-part': 'stepper-h',
    text: 'Step through the convolution',
  });
  const intro = el('p', {
    class: 'hint',
    text: "The window slides over a small input with the layer's F, P, padding mode, S and dilation. Each output cell is the sum of the products under the window.",
  });

  // controls
  const back = el(
    'button',
    { type: 'button', class: 'cp-step-back', 'aria-label': 'Step back' },
    '◀ Back',
  );
  const play = el(
    'button',
    { type: 'button', class: 'cp-step-play', 'aria-pressed': 'false', 'aria-label': 'Play' },
    '▶ Play',
  );
  const fwd = el(
    'button',
    { type: 'button', class: 'cp-step-fwd', 'aria-label': 'Step forward' },
    'Step ▶',
  );
  const scrubLabel = el(
    'label',
    { for: id('cp-step-scrub') },
    'Position ',
    el('output', { id: id('cp-step-pos'), 'data-part': 'cp-step-pos', for: id('cp-step-scrub') }),
  );
  const scrub = el('input', {
    id: id('cp-step-scrub'),
    'data-part': 'cp-step-scrub',
    type: 'range',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
  });
  const speed = el('select', { id: id('cp-step-speed'), 'data-part': 'cp-step-speed' });
  SPEEDS.forEach((s, i) => speed.append(el('option', { value: String(i), text: s.label })));
  speed.value = '1';
  const nSel = el('select', { id: id('cp-step-n'), 'data-part': 'cp-step-n' });
  for (let n = 3; n <= 11; n++)
    nSel.append(el('option', { value: String(n), text: `${n} × ${n}` }));
  const inSel = el(
    'select',
    { id: id('cp-step-in'), 'data-part': 'cp-step-in' },
    el('option', { value: 'grid', text: 'small integers' }),
    el('option', { value: 'image', text: 'the image (grey)' }),
  );
  const kSel = el(
    'select',
    { id: id('cp-step-k'), 'data-part': 'cp-step-k' },
    el('option', { value: 'ints', text: 'small integers' }),
    el('option', { value: 'layer', text: 'filter 1 of the layer' }),
  );

  const buttons = el(
    'div',
    { class: 'cp-step-buttons', role: 'group', 'aria-label': 'Animation' },
    back,
    play,
    fwd,
  );
  const scrubRow = el(
    'div',
    { class: 'cp-step-scrubrow' },
    scrubLabel,
    scrub,
    el(
      'span',
      { class: 'cp-step-speed' },
      el('label', { for: id('cp-step-speed') }, 'Speed'),
      ' ',
      speed,
    ),
  );
  const opts = el(
    'div',
    { class: 'cp-step-opts' },
    el('span', {}, el('label', { for: id('cp-step-n') }, 'Input'), ' ', nSel),
    el('span', {}, el('label', { for: id('cp-step-in') }, 'Values'), ' ', inSel),
    el('span', {}, el('label', { for: id('cp-step-k') }, 'Kernel'), ' ', kSel),
  );

  const status = el('p', { class: 'cp-step-status', 'aria-live': 'polite' });
  const error = el('p', { class: 'message error', role: 'alert', hidden: true });

  const inFig = el('figure', { class: 'cp-fig cp-fig-in' });
  const kFig = el('figure', { class: 'cp-fig cp-fig-k' });
  const pFig = el('figure', { class: 'cp-fig cp-fig-p' });
  const oFig = el('figure', { class: 'cp-fig cp-fig-out' });
  const stage = el('div', { class: 'cp-step-stage' }, inFig, kFig, pFig, oFig);
  const sumLine = el('p', { class: 'cp-step-sumline' });

  const legend = el(
    'ul',
    { class: 'cp-step-legend', 'aria-label': 'Legend' },
    el('li', {}, el('span', { class: 'cp-cell cp-in cp-swatch', 'aria-hidden': 'true' }), ' input'),
    el(
      'li',
      {},
      el('span', { class: 'cp-cell cp-pad cp-swatch', 'aria-hidden': 'true' }),
      ' padding (added)',
    ),
    el(
      'li',
      {},
      el('span', { class: 'cp-cell cp-in cp-tap cp-swatch', 'aria-hidden': 'true' }),
      ' under the window',
    ),
    el(
      'li',
      {},
      el('span', { class: 'cp-cell cp-out cp-done cp-swatch', 'aria-hidden': 'true' }),
      ' output (computed)',
    ),
    el(
      'li',
      {},
      el('span', { class: 'cp-cell cp-out cp-todo cp-swatch', 'aria-hidden': 'true' }),
      ' output (not yet)',
    ),
  );

  root.replaceChildren(h, intro, buttons, scrubRow, opts, status, error, stage, sumLine, legend);
  root.hidden = false;
  ctx.addNav('stepper', 'Step-through');

  let model = null; // the computed small layer
  let pos = 0;
  let timer = null;
  let gen = 0;

  function stop() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    play.setAttribute('aria-pressed', 'false');
    play.setAttribute('aria-label', 'Play');
    play.textContent = '▶ Play';
  }
  function start() {
    if (!model) return;
    if (pos >= model.total - 1) pos = 0;
    play.setAttribute('aria-pressed', 'true');
    play.setAttribute('aria-label', 'Pause');
    play.textContent = '❚❚ Pause';
    timer = setInterval(() => {
      if (!model || pos >= model.total - 1) {
        stop();
        return;
      }
      pos++;
      draw();
    }, SPEEDS[Number(speed.value)].ms);
    draw();
  }

  play.addEventListener('click', () => {
    if (timer) stop();
    else start();
  });
  ctx.on('view', (inView) => {
    if (!inView) stop(); // playback pauses off screen; Play goes on from the same window
  });
  back.addEventListener('click', () => {
    stop();
    if (model && pos > 0) {
      pos--;
      draw();
    }
  });
  fwd.addEventListener('click', () => {
    stop();
    if (model && pos < model.total - 1) {
      pos++;
      draw();
    }
  });
  scrub.addEventListener('input', () => {
    stop();
    pos = Number(scrub.value);
    draw();
  });
  speed.addEventListener('change', () => {
    if (timer) {
      stop();
      start();
    }
  });
  nSel.addEventListener('change', () => set('sn', Number(nSel.value)));
  inSel.addEventListener('change', () => set('sin', inSel.value));
  kSel.addEventListener('change', () => set('sk', kSel.value));

  async function compute() {
    const my = ++gen;
    nSel.value = String(state.sn);
    inSel.value = state.sin;
    kSel.value = state.sk;
    let next;
    try {
      next = await engine.stepper({ state: snapshot(state) });
    } catch (e) {
      if (my !== gen) return;
      stop();
      model = null;
      error.hidden = false;
      error.textContent = `With a ${state.sn} × ${state.sn} input this layer is impossible: ${e.message}. Choose a larger input or a smaller kernel, padding or dilation.`;
      stage.hidden = true;
      sumLine.hidden = true;
      for (const b of [back, play, fwd, scrub]) b.disabled = true;
      status.textContent = '';
      root.dataset.total = '0';
      return;
    }
    if (!next || my !== gen) return;
    const old = model;
    model = next;
    if (!old || old.total !== model.total || old.w2 !== model.w2)
      pos = Math.min(pos, model.total - 1);
    error.hidden = true;
    error.textContent = '';
    stage.hidden = false;
    sumLine.hidden = false;
    for (const b of [back, play, fwd, scrub]) b.disabled = false;
    scrub.max = String(model.total - 1);
    draw();
  }

  /** The weight that multiplies tap (a, b) of the window (the kernel rotated 180 degrees for true convolution). */
  function tapWeight(m, a, b) {
    return m.conv ? m.w[(m.fh - 1 - a) * m.fw + (m.fw - 1 - b)] : m.w[a * m.fw + b];
  }

  function draw() {
    const m = model;
    if (!m) return;
    const oy = Math.floor(pos / m.w2),
      ox = pos % m.w2;
    const r0 = oy * m.sh,
      c0 = ox * m.sw; // window's top-left in padded coordinates
    const np = m.n + 2 * m.p;
    // taps: padded (r, c) -> [a, b]
    const taps = new Map();
    for (let a = 0; a < m.fh; a++)
      for (let b = 0; b < m.fw; b++) taps.set((r0 + a * m.dil) * np + (c0 + b * m.dil), [a, b]);
    const valueAt = (r, c) => {
      const si = m.padMap[r],
        sj = m.padMap[c];
      return si < 0 || sj < 0 ? 0 : m.x[si * m.n + sj];
    };

    // the padded input
    const grid = el('div', { class: 'cp-grid', role: 'img' });
    grid.style.setProperty('--cols', String(np));
    for (let r = 0; r < np; r++) {
      for (let c = 0; c < np; c++) {
        const isPad = r < m.p || c < m.p || r >= m.n + m.p || c >= m.n + m.p;
        const v = valueAt(r, c);
        const cell = el('span', {
          class: `cp-cell ${isPad ? 'cp-pad' : 'cp-in'}`,
          text: cellText(v),
        });
        const tap = taps.get(r * np + c);
        if (tap) {
          cell.classList.add('cp-tap');
          cell.append(
            el('sub', { class: 'cp-w', text: `×${cellText(tapWeight(m, tap[0], tap[1]))}` }),
          );
        }
        grid.append(cell);
      }
    }
    grid.setAttribute(
      'aria-label',
      `Input ${m.n} × ${m.n} padded with P = ${m.p} (${m.padMode}) to ${np} × ${np}; the window covers rows ${r0}–${r0 + (m.fh - 1) * m.dil} and columns ${c0}–${c0 + (m.fw - 1) * m.dil}`,
    );
    inFig.replaceChildren(
      grid,
      el(
        'figcaption',
        {},
        `Input ${m.n} × ${m.n}`,
        m.p ? `, padded with P = ${m.p} (${m.padMode}) → ${np} × ${np}` : ' (no padding)',
        m.dil > 1 ? `, dilation ${m.dil}` : '',
      ),
    );

    // the kernel (as it slides)
    const kg = el('div', {
      class: 'cp-grid cp-kgrid',
      role: 'img',
      'aria-label': `Kernel ${m.fh} × ${m.fw}`,
    });
    kg.style.setProperty('--cols', String(m.fw));
    for (let a = 0; a < m.fh; a++)
      for (let b = 0; b < m.fw; b++) {
        kg.append(el('span', { class: 'cp-cell cp-kcell', text: cellText(tapWeight(m, a, b)) }));
      }
    kFig.replaceChildren(
      kg,
      el(
        'figcaption',
        {},
        `Kernel ${m.fh} × ${m.fw}`,
        m.conv ? ' rotated 180° (true convolution)' : ' (cross-correlation: not flipped)',
      ),
    );

    // the products
    const pg = el('div', {
      class: 'cp-grid cp-pgrid',
      role: 'img',
      'aria-label': 'Products under the window',
    });
    pg.style.setProperty('--cols', String(m.fw));
    const terms = [];
    let sum = 0;
    for (let a = 0; a < m.fh; a++)
      for (let b = 0; b < m.fw; b++) {
        const r = r0 + a * m.dil,
          c = c0 + b * m.dil;
        const v = valueAt(r, c),
          wt = tapWeight(m, a, b);
        const prod = v * wt;
        sum += prod;
        terms.push(`${cellText(v)}×${cellText(wt)}`);
        const pad = r < m.p || c < m.p || r >= m.n + m.p || c >= m.n + m.p;
        pg.append(
          el('span', { class: `cp-cell cp-prod${pad ? ' cp-pad' : ''}`, text: cellText(prod) }),
        );
      }
    pFig.replaceChildren(pg, el('figcaption', {}, 'Products (input × weight)'));

    // the output (from the module), filled up to the current cell
    const og = el('div', {
      class: 'cp-grid cp-ogrid',
      role: 'img',
      'aria-label': `Output ${m.w2} × ${m.h2} (conv2dForward)`,
    });
    og.style.setProperty('--cols', String(m.w2));
    let range = 0;
    for (let i = 0; i < m.total; i++) range = Math.max(range, Math.abs(m.y[i]));
    for (let i = 0; i < m.total; i++) {
      const done = i <= pos;
      const cell = el('span', {
        class: `cp-cell cp-out ${done ? 'cp-done' : 'cp-todo'}${i === pos ? ' cp-current' : ''}`,
        text: done ? cellText(m.y[i]) : '',
      });
      if (done) {
        cell.style.setProperty('--cell-bg', divergingCss(m.y[i], range));
        cell.style.setProperty('--cell-fg', textOn(m.y[i], range));
        cell.dataset.value = String(m.y[i]);
      }
      og.append(cell);
    }
    const axis = (name, stride, ax, out) => {
      const num = m.n + 2 * m.p - ax.effectiveKernel;
      return (
        `${name} = (${m.n} - ${ax.effectiveKernel} + 2*${m.p})/${stride} + 1 = ` +
        (ax.exact
          ? `${out}`
          : `floor(${num}/${stride}) + 1 = ${out} (not exact: libraries take the floor)`)
      );
    };
    const lines = [axis('W2', m.sw, m.geom.w, m.w2)];
    if (m.sh !== m.sw) lines.push(axis('H2', m.sh, m.geom.h, m.h2));
    oFig.replaceChildren(
      og,
      el(
        'figcaption',
        {},
        `Output ${m.w2} × ${m.h2} from the module: `,
        ...lines.map((t) => el('span', { class: 'cp-formula cp-step-formula', text: t })),
        m.dil > 1
          ? el('span', {
              class: 'cp-step-formula-note',
              text: `(dilation ${m.dil}: the ${m.fw}-wide kernel spans D(F - 1) + 1 = ${m.geom.w.effectiveKernel} pixels)`,
            })
          : null,
      ),
    );

    const moduleValue = m.y[pos];
    const sumEl = el('strong', { class: 'cp-step-sum', text: cellText(sum) });
    sumEl.dataset.value = String(sum);
    const modEl = el('span', { class: 'cp-step-module', text: cellText(moduleValue) });
    modEl.dataset.value = String(moduleValue);
    const shownTerms =
      terms.length > 25
        ? `${terms.slice(0, 12).join(' + ')} + … (${terms.length} products)`
        : terms.join(' + ');
    sumLine.replaceChildren(
      el('span', { class: 'cp-step-terms', text: `${shownTerms} = ` }),
      sumEl,
      el('span', { class: 'cp-step-eq', text: `   → output (${oy}, ${ox}) from the module: ` }),
      modEl,
    );

    scrub.value = String(pos);
    const posOut = ctx.$('cp-step-pos');
    if (posOut) posOut.textContent = `${pos + 1} / ${m.total}`;
    scrub.setAttribute(
      'aria-valuetext',
      `output row ${oy}, column ${ox} of ${m.h2} × ${m.w2} (counted from 0)`,
    );
    status.textContent = `${m.note ? `${m.note} ` : ''}Output row ${oy}, column ${ox}: the window starts at row ${r0}, column ${c0} of the padded input (stride ${m.sh}${m.sw !== m.sh ? ` x ${m.sw}` : ''}).`;
    Object.assign(root.dataset, {
      oy: String(oy),
      ox: String(ox),
      row0: String(r0),
      col0: String(c0),
      pos: String(pos),
      total: String(m.total),
      h2: String(m.h2),
      w2: String(m.w2),
      n: String(m.n),
    });
  }

  const WATCH = new Set([
    'f',
    'fw',
    'fsep',
    'p',
    'pad',
    's',
    'sw',
    'ssep',
    'dil',
    'mode',
    'sn',
    'sin',
    'sk',
    'seed',
    'filters',
    'grey',
    'img',
    'size',
    'fit',
  ]);
  for (let i = 0; i < 16; i++) WATCH.add(`w${i}`);
  ctx.subscribe((s, changed) => {
    if ([...changed].some((c) => WATCH.has(c))) compute();
  });
  let lastInput = null;
  ctx.on('started', compute);
  return {
    update(r) {
      // the image changed: the step-through's image input follows it
      const key = `${r.state.img}|${r.state.size}|${r.state.fit}|${r.state.grey}|${ctx.source.key}`;
      if (state.sin === 'image' && key !== lastInput) {
        lastInput = key;
        compute();
      }
    },
    destroy: stop,
    api: {
      compute,
      get model() {
        return model;
      },
    },
  };
}
