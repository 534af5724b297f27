// The one static list of panels. Every panel has one contract:
//
//   mount(ctx) -> { update(result)?, destroy()?, api? }   (an optional panel: its module's)
//
// ctx is the instance's context (page/context.js; its declared shape is
// playground.d.ts PanelContext): the state and its set/update/subscribe, the
// engine, $ / id for the instance's prefixed ids, slot(id) for its section,
// on/emit between panels, goTo, addNav, listen, onDestroy, and the services
// source (the image), pixel (the inspected pixel), filters (the filter bank's
// actions) and alexnet (the exercise's result). It is frozen: a panel adds
// nothing to it and reads nothing it does not declare. update(result) is called with every new layer result
// (worker/protocol.js LayerResult); a view draws what the result carries
// (result.layer, result.geometry, result.weights), never the live sliders.
// api is what instance.panel(id) hands out (the tests and the console use it).
//
// The order is the order of the sections; the mount order does not matter:
// what panels share is declared in ctx (page/context.js, playground.d.ts
// PanelContext) and made before any panel mounts, and no panel imports another.
// `section` names the panel's section: the markup's for a built-in panel
// (hidden when the panel is not shown), ctx.slot's for the others (the runner
// draws the panels on screen first); `optional` panels are not mounted at all
// when not shown (load() resolves their module, whose mount is the panel's);
// `internal` ones are always mounted and are not among the panels to choose.
import * as image from './image.js';
import * as controls from './controls.js';
import * as formula from './formula.js';
import * as announce from './announce.js';
import * as volume from './volume/index.js';
import * as editor from './editor.js';
import * as inspect from './inspect.js';

// the panels below the layer: their code is loaded once the first view is painted
// (a chunk each; mount.js), so the page parses only what the first view needs
export const PANELS = [
  { id: 'image', section: 'image-panel', mount: image.mount },
  { id: 'layer', section: 'layer-panel', mount: controls.mount },
  { id: 'formula', section: 'formula-panel', mount: formula.mount },
  { id: 'announce', internal: true, mount: announce.mount },
  { id: 'volume', section: 'volume', mount: volume.mount },
  { id: 'editor', section: 'editor-panel', mount: editor.mount },
  { id: 'inspect', section: 'inspect-panel', mount: inspect.mount },
  {
    id: 'gradients',
    section: 'gradients',
    optional: true,
    load: () => import('./gradients/index.js'),
  },
  { id: 'stepper', section: 'stepper', optional: true, load: () => import('./stepper/index.js') },
  { id: 'alexnet', section: 'alexnet', optional: true, load: () => import('./alexnet/index.js') },
  { id: 'code', section: 'code-panel', optional: true, load: () => import('./code.js') },
  { id: 'lecture', section: 'lecture', optional: true, load: () => import('./lecture.js') },
  { id: 'bnlab', section: 'bnlab', optional: true, load: () => import('./bnlab/index.js') },
  { id: 'nnlab', section: 'nnlab', optional: true, load: () => import('./nnlab/index.js') },
];

/** Every panel id (mountPlayground's options.panels picks among them). */
export const PANEL_IDS = PANELS.filter((p) => !p.internal).map((p) => p.id);
