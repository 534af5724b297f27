// The inspector as a phone's sheet: with a pixel pinned, in a narrow playground the
// inspector panel (class cp-sheet, fixed by page.css) opens at the bottom of the
// screen under the maps, while the volumes reach into the upper 60% of the screen;
// elsewhere (the labs further down) it is back in its place in the page.
import { parsePin } from '../services/pixel.js';
import { watchOnScreen } from '../onscreen.js';

/** Returns {update()}: call it when the pinned pixel may have changed. */
export function mountSheet(ctx, panel) {
  let volumesOnScreen = true;

  /** The section of this instance seen highest on the screen (not the inspector's own). */
  function topSection() {
    let best = null,
      top = Infinity;
    for (const s of ctx.root.querySelectorAll('section')) {
      if (s === panel || s.hidden) continue;
      const b = s.getBoundingClientRect();
      if (b.bottom > 0 && b.top < window.innerHeight && b.top < top) {
        best = s;
        top = b.top;
      }
    }
    return best;
  }

  /** The sheet on or off; what is at the top of the screen stays where it is. */
  function setSheet(on) {
    if (panel.classList.contains('cp-sheet') === on) return;
    const ref = topSection();
    const before = ref?.getBoundingClientRect().top;
    panel.classList.toggle('cp-sheet', on);
    // a real sheet (a narrow playground): the lecture's bar folds its text to leave the maps room
    ctx.emit('sheet', on && getComputedStyle(panel).position === 'fixed');
    // the panel leaves or joins the page's flow: when that was above the screen, the page
    // scrolls by as much (the browser's scroll anchoring does not follow a fixed panel)
    const moved = ref ? ref.getBoundingClientRect().top - before : 0;
    if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
  }

  const update = () => setSheet(volumesOnScreen && Boolean(parsePin(ctx.state.at)));
  watchOnScreen(
    ctx,
    [ctx.$('volume')],
    (on) => {
      volumesOnScreen = on;
      update();
    },
    { margin: '0px 0px -40% 0px' },
  );
  return { update };
}
