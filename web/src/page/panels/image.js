// The image: built-in samples, file picker, drag-and-drop, paste, webcam; the
// working size, square fit and grey options. The source service (ctx.source)
// sends the image to the worker, where the module (stb_image) decodes files;
// a corrupt file shows the module's message and the previous image stays. The
// note under the controls says what was done to the image (downscaled, cropped
// to a square, alpha blended on white, grey file made three channels).
import { rowOf } from '../../common/state.js';

/** What was done to the result's image, in a sentence or a few. */
export function describe(r, upload) {
  const s = r.state;
  if (!r || !r.info) return '';
  const [, , h, w] = r.input.shape;
  const parts = [];
  if (s.img === 'upload' && upload) parts.push(`${upload.name}`);
  if (s.img === 'webcam') parts.push('webcam');
  if (r.info.downscaled) {
    parts.push(
      `downscaled from ${r.info.originalWidth} × ${r.info.originalHeight} to the working size ${w} × ${h}`,
    );
  } else if (r.info.resized) {
    parts.push(`resized to ${w} × ${h}`);
  } else {
    parts.push(`${w} × ${h} pixels`);
  }
  if (r.info.resized && r.info.downscaled) parts.push(`then resized to ${w} × ${h}`);
  const notes = [];
  if (r.info.cropped) {
    const [cw, ch] = r.info.cropped.from;
    notes.push(
      `The square is the centre ${r.info.cropped.side} × ${r.info.cropped.side} of the ${cw} × ${ch} picture (cropped, not stretched).`,
    );
  }
  if (r.info.alpha)
    notes.push('The file has an alpha channel (transparency): it was blended on white.');
  if (r.info.greyFile && !s.grey)
    notes.push(
      'The file is grey: its one channel was copied into R, G and B (three equal channels).',
    );
  return [parts.join(': '), ...notes].join(' ');
}

/** The sample, size, fit and grey controls follow the state and change it. */
function mountControls(ctx) {
  const { $ } = ctx;
  const sample = $('sample'),
    size = $('size'),
    fit = $('fit'),
    grey = $('grey');
  // the slider's range is the state's (PROPS row 'size': down to the lecture's 7 x 7 and below)
  const sizeRow = rowOf('size');
  size.min = String(sizeRow.min);
  size.max = String(sizeRow.max);
  function sync(s) {
    if (sample.value !== s.img) sample.value = s.img;
    sample.querySelector('option[value="upload"]').disabled = s.img !== 'upload';
    sample.querySelector('option[value="webcam"]').disabled = s.img !== 'webcam';
    if (size.value !== String(s.size)) size.value = String(s.size);
    $('size-out').textContent = `${s.size} px`;
    if (fit.value !== s.fit) fit.value = s.fit;
    grey.checked = s.grey;
  }
  sync(ctx.state);
  ctx.subscribe(sync);
  // locked rows (mountPlayground's options.locked): their controls are disabled
  sample.disabled = ctx.locked('img');
  $('file').disabled = ctx.locked('img');
  $('webcam').disabled = ctx.locked('img');
  size.disabled = ctx.locked('size');
  fit.disabled = ctx.locked('fit');
  grey.disabled = ctx.locked('grey');
  sample.addEventListener('change', () => ctx.set('img', sample.value));
  size.addEventListener('input', () => ctx.set('size', Number(size.value)));
  fit.addEventListener('change', () => ctx.set('fit', fit.value));
  grey.addEventListener('change', () => ctx.set('grey', grey.checked));
}

/** Files: the picker, a drop and a paste open as an upload. */
function mountFiles(ctx) {
  const { source } = ctx;
  const file = ctx.$('file');
  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    if (f) source.open(f, f.name);
    file.value = '';
  });
  const overlay = ctx.$('drop-overlay');
  // the full page takes a file dropped or pasted anywhere; an embedded instance, on itself
  const dropTarget = ctx.usesHash ? window : ctx.root;
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  ctx.listen(dropTarget, 'dragenter', (e) => {
    if (hasFiles(e)) {
      dragDepth++;
      overlay.hidden = false;
      e.preventDefault();
    }
  });
  ctx.listen(dropTarget, 'dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) overlay.hidden = true;
  });
  ctx.listen(dropTarget, 'dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  ctx.listen(dropTarget, 'drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    overlay.hidden = true;
    const f = e.dataTransfer.files[0];
    if (f) source.open(f, f.name);
  });
  ctx.listen(dropTarget, 'paste', (e) => {
    const target = e.target;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return; // pasting a number
    const items = e.clipboardData ? [...e.clipboardData.items] : [];
    const item = items.find((it) => it.kind === 'file');
    if (!item) return;
    e.preventDefault();
    const f = item.getAsFile();
    source.open(f, f && f.name ? f.name : 'the pasted image');
  });
}

/** One webcam frame, at the working size, to the source service. */
function sendFrame(ctx, video, canvas) {
  const vw = video.videoWidth,
    vh = video.videoHeight;
  const s = ctx.state;
  const scale = Math.min(1, s.size / Math.max(vw, vh));
  const w = s.fit === 'square' ? s.size : Math.max(1, Math.round(vw * scale));
  const h = s.fit === 'square' ? s.size : Math.max(1, Math.round(vh * scale));
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(video, 0, 0, w, h);
  ctx.source.frame(w, h, new Uint8Array(g.getImageData(0, 0, w, h).data.buffer));
}

/** The webcam: live frames, dropped while the worker is busy. Returns {stop()}. */
function mountWebcam(ctx) {
  const button = ctx.$('webcam');
  let on = false,
    stream = null,
    video = null,
    frameCanvas = null,
    rafId = 0;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    button.disabled = true;
    button.title = 'This browser gives no camera access here (it needs https or localhost).';
  }
  function stop() {
    if (!on) return;
    on = false;
    ctx.source.setLive(false);
    cancelAnimationFrame(rafId);
    if (stream) for (const t of stream.getTracks()) t.stop();
    stream = null;
    button.setAttribute('aria-pressed', 'false');
    button.textContent = 'Webcam';
  }
  async function start() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
    } catch (e) {
      ctx.source.say(`No webcam: ${e.message || e.name}. The previous image is kept.`);
      return;
    }
    video = video || document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    frameCanvas = frameCanvas || document.createElement('canvas');
    on = true;
    ctx.source.setLive(true);
    button.setAttribute('aria-pressed', 'true');
    button.textContent = 'Stop webcam';
    ctx.source.say('');
    let first = true;
    const loop = async () => {
      if (!on) return;
      rafId = requestAnimationFrame(loop);
      // dropped: while the worker is busy, and while the playground is off screen
      if (ctx.engine.busy || video.readyState < 2 || !ctx.inView) return;
      sendFrame(ctx, video, frameCanvas);
      if (first) {
        first = false;
        if (ctx.state.img !== 'webcam') {
          ctx.set('img', 'webcam');
          return;
        }
      }
      ctx.recompute();
    };
    loop();
  }
  button.addEventListener('click', () => {
    if (on) {
      stop();
      ctx.set('img', 'chelsea');
    } else start();
  });
  return { stop };
}

export function mount(ctx) {
  const notice = ctx.$('image-notice'),
    error = ctx.$('image-error');
  mountControls(ctx);
  mountFiles(ctx);
  const webcam = mountWebcam(ctx);
  // another image stops the webcam
  ctx.subscribe((s, changed) => {
    if (changed.has('img') && s.img !== 'webcam') webcam.stop();
  });
  ctx.onDestroy(ctx.source.onOpen(webcam.stop));
  ctx.onDestroy(
    ctx.source.onMessage((msg) => {
      error.textContent = msg;
      error.hidden = !msg;
    }),
  );
  return {
    update(r) {
      notice.textContent = describe(r, ctx.source.upload);
    },
    destroy: webcam.stop,
  };
}
