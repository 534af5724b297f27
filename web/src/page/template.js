// The markup of one playground instance. Every id carries the instance's
// prefix (p), so two instances on one page never share an id, a label's `for`
// or a radio group's name; data-part names the element whatever the prefix
// (the style sheets select on it). The panels of the static list
// (panels/index.js) add their own sections to .stage.

/** The skip link, the first screen's two lines, the navigation and the instance's lines. */
const head = (p) => `
<a class="skip" href="#${p}volume">Skip to the layer</a>
<div class="cp-start" data-part="start">
  <p class="cp-start-text">Pick an image, move F, P, S and K, and watch the feature maps change.
  New here? The lecture walks you through it.</p>
  <button type="button" class="primary cp-start-lecture">Start the lecture</button>
</div>
<nav class="cp-nav" aria-label="Sections" id="${p}nav" data-part="nav">
  <a href="#${p}image-panel">Image</a>
  <a href="#${p}layer-panel">Layer</a>
  <a href="#${p}volume">Volumes</a>
  <a href="#${p}inspect-panel">Inspect</a>
</nav>
<div id="${p}boot" data-part="boot" class="boot" role="status">Loading the WebAssembly module…</div>
<div id="${p}fatal" data-part="fatal" class="message error" role="alert" hidden></div>
<p id="${p}worker-notice" data-part="worker-notice" class="message notice" role="status" hidden></p>
`;

/** .cp-app opens, with its quick bar: F, P, S, D and K in one row (narrow playgrounds). */
const quickbar = (p) => `
  <div class="cp-app">
    <div class="cp-quickbar" data-part="quickbar" role="group" aria-label="The layer, in short">
      <label class="cp-q"><span>F <output data-q-out="f"></output></span><input type="range" data-q="f" step="1" aria-label="Kernel size F"></label>
      <label class="cp-q"><span>P <output data-q-out="p"></output></span><input type="range" data-q="p" step="1" aria-label="Padding P"></label>
      <label class="cp-q"><span>S <output data-q-out="s"></output></span><input type="range" data-q="s" step="1" aria-label="Stride S"></label>
      <label class="cp-q"><span>D <output data-q-out="dil"></output></span><input type="range" data-q="dil" step="1" aria-label="Dilation D"></label>
      <label class="cp-q"><span>K <output data-q-out="k"></output></span><input type="range" data-q="k" step="1" aria-label="Filters K"></label>
      <a class="cp-q-more" href="#${p}layer-panel">all layer settings</a>
    </div>
`;

/** The image panel (panels/image.js). */
const imagePanel = (p) => `
    <div class="controls">
      <section id="${p}image-panel" data-part="image-panel" class="panel" aria-labelledby="${p}image-h">
        <h2 id="${p}image-h" data-part="image-h">Image</h2>
        <div class="row">
          <label for="${p}sample">Sample</label>
          <select id="${p}sample" data-part="sample">
            <option value="chelsea">Chelsea the cat (photo)</option>
            <option value="coffee">Coffee cup (photo)</option>
            <option value="astronaut">Astronaut Eileen Collins (photo)</option>
            <option value="stripes">Stripes (synthetic)</option>
            <option value="checker">Checkerboard (synthetic)</option>
            <option value="circle">Circle (synthetic)</option>
            <option value="upload" disabled>Your image</option>
            <option value="webcam" disabled>Webcam</option>
          </select>
        </div>
        <div class="row">
          <label class="button" for="${p}file">Open an image…</label>
          <input id="${p}file" data-part="file" class="visually-hidden" type="file" accept="image/png,image/jpeg,image/gif,image/bmp,image/x-tga,.tga,.png,.jpg,.jpeg,.gif,.bmp">
          <button id="${p}webcam" data-part="webcam" type="button" aria-pressed="false">Webcam</button>
        </div>
        <p class="hint">or drop an image anywhere on the page, or paste one (Ctrl+V).</p>
        <div class="row">
          <label for="${p}size">Working size <output id="${p}size-out" data-part="size-out" for="${p}size"></output></label>
          <input id="${p}size" data-part="size" type="range" step="1">
        </div>
        <div class="row">
          <label for="${p}fit">Shape</label>
          <select id="${p}fit" data-part="fit">
            <option value="keep">keep the aspect ratio (longest side)</option>
            <option value="square">square (size × size)</option>
          </select>
        </div>
        <div class="row">
          <input id="${p}grey" data-part="grey" type="checkbox">
          <label for="${p}grey">Grey image (D1 = 1)</label>
        </div>
        <p id="${p}image-notice" data-part="image-notice" class="message notice" role="status" aria-live="polite"></p>
        <p id="${p}image-error" data-part="image-error" class="message error" role="alert" hidden></p>
      </section>

`;

/** The layer panel (panels/controls.js). */
const layerPanel = (p) => `
      <section id="${p}layer-panel" data-part="layer-panel" class="panel" aria-labelledby="${p}layer-h">
        <h2 id="${p}layer-h" data-part="layer-h">Layer</h2>
        <div class="row">
          <label for="${p}f">Kernel size F <output id="${p}f-out" data-part="f-out" for="${p}f"></output></label>
          <input id="${p}f" data-part="f" type="range" step="1">
        </div>
        <div class="row">
          <input id="${p}fsep" data-part="fsep" type="checkbox">
          <label for="${p}fsep">separate kernel height and width</label>
        </div>
        <div class="row sub" id="${p}fw-row" data-part="fw-row" hidden>
          <label for="${p}fw">Kernel width F2 <output id="${p}fw-out" data-part="fw-out" for="${p}fw"></output></label>
          <input id="${p}fw" data-part="fw" type="range" step="1">
        </div>
        <div class="row">
          <label for="${p}p">Padding P <output id="${p}p-out" data-part="p-out" for="${p}p"></output></label>
          <input id="${p}p" data-part="p" type="range" step="1">
        </div>
        <div class="row">
          <label for="${p}pad">Padding mode</label>
          <select id="${p}pad" data-part="pad">
            <option value="zero">zero</option>
            <option value="replicate">replicate (edge)</option>
            <option value="reflect">reflect (mirror)</option>
            <option value="circular">circular (wrap)</option>
          </select>
        </div>
        <div class="row">
          <label for="${p}s">Stride S <output id="${p}s-out" data-part="s-out" for="${p}s"></output></label>
          <input id="${p}s" data-part="s" type="range" step="1">
        </div>
        <div class="row">
          <input id="${p}ssep" data-part="ssep" type="checkbox">
          <label for="${p}ssep">separate stride along rows and columns</label>
        </div>
        <div class="row sub" id="${p}sw-row" data-part="sw-row" hidden>
          <label for="${p}sw">Stride along columns S2 <output id="${p}sw-out" data-part="sw-out" for="${p}sw"></output></label>
          <input id="${p}sw" data-part="sw" type="range" step="1">
        </div>
        <div class="row">
          <label for="${p}dil">Dilation <output id="${p}dil-out" data-part="dil-out" for="${p}dil"></output></label>
          <input id="${p}dil" data-part="dil" type="range" step="1">
        </div>
        <div class="row">
          <label for="${p}k">Filters K <output id="${p}k-out" data-part="k-out" for="${p}k"></output></label>
          <input id="${p}k" data-part="k" type="range" step="1">
        </div>
        <fieldset class="row">
          <legend>Operation</legend>
          <input id="${p}mode-xcorr" data-part="mode-xcorr" type="radio" name="${p}mode" value="xcorr">
          <label for="${p}mode-xcorr">cross-correlation (what libraries compute)</label>
          <input id="${p}mode-conv" data-part="mode-conv" type="radio" name="${p}mode" value="conv">
          <label for="${p}mode-conv">true convolution (kernel flipped)</label>
        </fieldset>
        <div class="row">
          <label for="${p}scale">Colour range</label>
          <select id="${p}scale" data-part="scale">
            <option value="map">per feature map</option>
            <option value="layer">shared by all maps</option>
          </select>
        </div>
        <div class="row">
          <button id="${p}reset" data-part="reset" type="button">Reset everything</button>
        </div>
      </section>
    </div>

`;

/** The stage: the formula, the volumes, the editor and the inspector (panels add theirs); .cp-app closes. */
const stage = (p) => `
    <div class="stage">
      <section id="${p}formula-panel" data-part="formula-panel" class="panel" aria-labelledby="${p}formula-h">
        <h2 id="${p}formula-h" data-part="formula-h">Output size</h2>
        <div id="${p}formula" data-part="formula"></div>
        <p id="${p}layer-error" data-part="layer-error" class="message error" hidden></p>
      </section>

      <section id="${p}volume" data-part="volume" class="panel" aria-labelledby="${p}volume-h" tabindex="-1">
        <h2 id="${p}volume-h" data-part="volume-h" class="visually-hidden">The layer</h2>
        <div class="volumes">
          <div id="${p}input-volume" data-part="input-volume" class="vol"></div>
          <div class="arrow" aria-hidden="true">∗</div>
          <div id="${p}filter-bank" data-part="filter-bank" class="vol"></div>
          <div class="arrow" aria-hidden="true">→</div>
          <div id="${p}output-volume" data-part="output-volume" class="vol"></div>
        </div>
      </section>

      <section id="${p}editor-panel" data-part="editor-panel" class="panel" aria-labelledby="${p}editor-h" hidden>
        <h2 id="${p}editor-h" data-part="editor-h">Edit filter</h2>
        <div id="${p}editor" data-part="editor"></div>
      </section>

      <section id="${p}inspect-panel" data-part="inspect-panel" class="panel" aria-labelledby="${p}inspect-h">
        <h2 id="${p}inspect-h" data-part="inspect-h">Inspect an output pixel</h2>
        <div id="${p}inspect" data-part="inspect"><p class="hint">Hover or tap a pixel of a feature map (or focus a map and use the arrow keys) to see its receptive field and the products it sums. Click or press Enter to pin it.</p></div>
      </section>
    </div>
  </div>

`;

/** The lock notice, the status line and the drop overlay. */
const foot = (p) => `
<p id="${p}lock-notice" data-part="lock-notice" class="message notice cp-lock-notice" role="status" hidden></p>
<p id="${p}status" data-part="status" class="cp-status" role="status" aria-live="off">Not computed yet.</p>
<div id="${p}drop-overlay" data-part="drop-overlay" class="drop-overlay" hidden><p>Drop the image to open it</p></div>
`;

/** The instance's markup with id prefix p. */
export function markup(p) {
  // each part is its lines between two line breaks: joined, one break between two parts
  const parts = [head, quickbar, imagePanel, layerPanel, stage, foot];
  return `\n${parts.map((part) => part(p).slice(1)).join('')}`;
}
