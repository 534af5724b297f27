// The instance's navigation and layout follow the panels it shows: a link
// whose section is hidden goes, the section list itself goes when it would
// hold fewer than two links, the skip link and the compact layer bar go with
// the volumes (and the bar's "all layer settings" with the layer panel), and
// the controls' column (image and layer panels) leaves the grid when both are
// hidden, so the panels shown take the whole width.

/** True when section el is part of the instance's view. */
const shown = (el) => Boolean(el) && !el.hidden;

/** Applies the rules above to container (the instance's element); $ finds a prefixed id. */
export function fitNav(container, $) {
  const nav = $('nav');
  if (nav) {
    let links = 0;
    for (const a of nav.querySelectorAll('a[href^="#"]')) {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      const target = container.querySelector(`#${CSS.escape(id)}`);
      a.hidden = !shown(target);
      if (!a.hidden) links += 1;
    }
    nav.hidden = links < 2;
  }
  const volume = shown($('volume'));
  const skip = container.querySelector('.skip');
  if (skip) skip.hidden = !volume;
  const bar = container.querySelector('.cp-quickbar');
  if (bar) bar.hidden = !volume;
  const more = container.querySelector('.cp-q-more');
  if (more) more.hidden = !shown($('layer-panel'));
  const controls = container.querySelector('.controls');
  const noControls = !shown($('image-panel')) && !shown($('layer-panel'));
  if (controls) controls.hidden = noControls;
  container.querySelector('.cp-app')?.classList.toggle('cp-no-controls', noControls);
}
