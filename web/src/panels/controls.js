// The layer's hyperparameter controls (index.html #layer-panel) <-> the state.
// Each control changes one field; the state module writes the hash and main.js recomputes.
const RANGES = ['f', 'fw', 'p', 's', 'sw', 'dil', 'k'];
const SELECTS = ['pad', 'scale'];
const CHECKS = ['fsep', 'ssep'];

export function mountControls(app) {
  const $ = (id) => document.getElementById(id);

  for (const name of RANGES) {
    const input = $(name);
    input.min = String(app.S.PROPS.find((r) => r.name === name).min);  // the state's minimum
    // 'input' fires while dragging: the maps follow the slider
    input.addEventListener('input', () => app.set(name, Number(input.value)));
  }
  for (const name of SELECTS) {
    const sel = $(name);
    sel.addEventListener('change', () => app.set(name, sel.value));
  }
  for (const name of CHECKS) {
    const box = $(name);
    box.addEventListener('change', () => {
      if (name === 'fsep' && box.checked) app.update({ fsep: true, fw: app.state.f });
      else if (name === 'ssep' && box.checked) app.update({ ssep: true, sw: app.state.s });
      else app.set(name, box.checked);
    });
  }
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => { if (radio.checked) app.set('mode', radio.value); });
  }
  $('reset').addEventListener('click', () => app.S.reset());

  function sync(s) {
    for (const name of RANGES) {
      const input = $(name);
      const v = String(s[name]);
      if (Number(v) > Number(input.max)) input.max = v;  // a hash may go past the slider's usual range
      if (input.value !== v) input.value = v;
      const out = $(`${name}-out`);
      if (out) out.textContent = v;
    }
    for (const name of SELECTS) if ($(name).value !== s[name]) $(name).value = s[name];
    for (const name of CHECKS) $(name).checked = s[name];
    $('fw-row').hidden = !s.fsep;
    $('sw-row').hidden = !s.ssep;
    document.querySelector('label[for="f"]').firstChild.textContent = s.fsep ? 'Kernel height F1 ' : 'Kernel size F ';
    document.querySelector('label[for="s"]').firstChild.textContent = s.ssep ? 'Stride along rows S1 ' : 'Stride S ';
    $('mode-xcorr').checked = s.mode === 'xcorr';
    $('mode-conv').checked = s.mode === 'conv';
  }
  sync(app.state);
  app.S.subscribe(sync);
}
