// The public API of a convplay playground (mount.js). Everything else under
// web/src is internal.

/** Ids of the panels of the static list (panels/index.js), in mount order. */
export type PanelId =
  | 'image' | 'layer' | 'formula' | 'volume' | 'editor' | 'inspect'
  | 'gradients' | 'stepper' | 'alexnet' | 'code' | 'lecture' | 'bnlab' | 'nnlab';

/** The state: one field per row of the state table (common/state.js PROPS). */
export type PlaygroundState = Record<string, number | boolean | string | string[] | number[]>;

export interface MountOptions {
  /**
   * The starting state over the defaults: a hash string ('f=5&k=2', with or
   * without '#') or an object ({ f: 5, k: 2 }). Every value is validated and
   * clamped by the state table; unknown fields are ignored. Default: the defaults.
   */
  initial?: string | Partial<PlaygroundState>;
  /**
   * true: start from location.hash, write every change back to it
   * (history.replaceState; lecture steps push entries) and follow hashchange.
   * Only one instance on a page should; an embedded one leaves the URL alone.
   * Default false.
   */
  hash?: boolean;
  /**
   * The panels to show (default: all). The built-in sections (image, layer,
   * formula, volume, editor, inspect) are always mounted and hidden when not
   * listed; the others are not mounted at all. An unknown id throws.
   */
  panels?: PanelId[];
  /**
   * State rows that keep their starting value (e.g. ['f', 'k']; 'f' also fixes
   * fw and fsep, 's' sw and ssep): their controls are disabled, and no change
   * moves them (Reset, presets, the AlexNet exercise, lecture steps, imports,
   * update() and loadHash() from code); what a change asked for them is not
   * applied, and the instance says so in one line. Only restart() moves them.
   */
  locked?: string[];
  /**
   * What reset() ("Reset everything") returns to: 'start' (the starting state:
   * `initial`, or the URL hash at mount) or 'defaults'. Default: 'defaults'
   * when hash is true, else 'start'.
   */
  reset?: 'start' | 'defaults';
  /** Called after every change of the state (changed: the names of the fields that changed). */
  onStateChange?: (state: Readonly<PlaygroundState>, changed: Set<string>, instance: PlaygroundInstance) => void;
  /**
   * Prefix of every id inside the instance ([A-Za-z0-9_-]*). Default 'cp<n>-',
   * unique on the page. The full page uses '' (its ids are the short ones).
   */
  idPrefix?: string;
  /**
   * Milliseconds with jobs pending and no answer from the worker before it is
   * declared dead and replaced (default 30000). A dead worker is replaced
   * with the last good state; the instance says so in one line.
   */
  jobTimeout?: number;
  /**
   * false: no "Open as a notebook" buttons (the code panel's, the gradients',
   * the batch-norm lab's and the network lab's). Default true.
   */
  notebook?: boolean;
  /**
   * Its first worker, started earlier with page/spawn-worker.js spawnWorker() (the full page
   * starts it before its code is evaluated, so the .wasm compiles meanwhile).
   */
  worker?: Worker;
}

/** What the worker returns for the layer (worker/protocol.js LayerResult). */
export interface LayerResult {
  key: number;
  state: PlaygroundState;
  params: object;
  layer: { fh: number; fw: number; sh: number; sw: number; dil: number; p: number; pad: string; conv: boolean; k: number };
  weights: { shape: [number, number, number, number]; data: Float32Array };
  bias: Float32Array;
  input: { shape: [number, number, number, number]; data: Float32Array };
  geometry: object | null;
  output: { shape: [number, number, number, number]; data: Float32Array } | null;
  error: { name: string; message: string } | null;
  ms: { prepare: number; geometry: number; forward: number; total: number };
}

export interface PlaygroundInstance {
  /** The instance's element (div.cp-playground) inside the root it was mounted in. */
  readonly root: HTMLElement;
  /** Resolves when the first result is drawn; rejects when the WASM module cannot load. */
  readonly ready: Promise<void>;
  /** The live state (read it; change it with set / update / loadHash). */
  readonly state: Readonly<PlaygroundState>;
  set(name: string, value: unknown): Set<string>;
  update(patch: Partial<PlaygroundState>): Set<string>;
  /** Replaces the whole state from a hash string. */
  loadHash(hash: string): Set<string>;
  /** Back to the starting state (or the defaults: MountOptions.reset). */
  reset(): Set<string>;
  /**
   * A new starting state (a hash string): locked rows take its values and
   * reset() returns to it. rows: only these fields change now; default: all.
   */
  restart(hash: string, rows?: string[]): Set<string>;
  /**
   * The state as a link's hash (without '#'): the format version (`v=1`), then only what
   * differs from the defaults. A link without `v` is read as version 1.
   */
  readonly hash: string;
  /** The last layer result drawn, or null. */
  readonly result: LayerResult | null;
  /**
   * True when the last change has been computed and drawn (and written to the URL), and
   * no panel's own job (gradients, step-through, AlexNet, batch-norm lab) is waiting.
   */
  readonly idle: boolean;
  /** The api of a panel (e.g. 'gradients': {last, result, job, history, compute(), step(n)}). */
  panel(id: PanelId): unknown;
  /** Runs the layer again. */
  recompute(): Promise<void>;
  /** A new worker in place of the current one (every image re-sent), then the layer again. */
  restartWorker(): Promise<void>;
  /** Opens an image file as an upload (the worker decodes it; a corrupt file keeps the old image). */
  openFile(blob: Blob, name: string): Promise<void>;
  /** The inspector's hovered output pixel, or null. */
  setHover(pixel: { k: number; y: number; x: number } | null): void;
  /** Stops the worker and removes the DOM, the listeners and (with the last instance) the styles. */
  destroy(): void;
}

/**
 * Mounts a playground into root: an Element connected to a document, or a
 * ShadowRoot (the styles are adopted there). Events on instance.root:
 * 'convplay:statechange' ({state, changed}) and 'convplay:result' (LayerResult).
 */
export function mountPlayground(root: Element | ShadowRoot, options?: MountOptions): PlaygroundInstance;
export const PANEL_IDS: PanelId[];

// ---- inside: what a panel gets (page/context.js) -------------------------------------

/** An output pixel: map k, row y, column x (counted from 0). */
export interface Pixel { k: number; y: number; x: number }

/** The image the layer runs on (page/services/source.js). */
export interface SourceService {
  /** The worker key of the current source, or null before the first. */
  readonly key: string | null;
  /** {name} of the last file opened, or null. */
  readonly upload: { name: string } | null;
  /** Opens a file as an upload (start: the instance's own starting image, even when locked). */
  open(blob: Blob, name: string, options?: { start?: boolean }): Promise<void>;
  /** The first image once the module is loaded, then the layer (mount.js calls it). */
  first(): Promise<void>;
  /** The webcam is on or off (while on, the state's image 'webcam' is its frames). */
  setLive(on: boolean): void;
  /** A webcam frame becomes the source. */
  frame(width: number, height: number, rgba: Uint8Array): void;
  /** fn(text) with the current line about the image now and every new one ('' clears it). */
  onMessage(fn: (text: string) => void): () => void;
  /** fn(name) after a file is opened. */
  onOpen(fn: (name: string) => void): () => void;
  /** Shows a line about the image. */
  say(text: string): void;
}

/** The inspected pixel: pinned (state 'at') or hovered (page/services/pixel.js). */
export interface PixelService {
  readonly hovered: Pixel | null;
  hover(pixel: Pixel | null): void;
  onHover(fn: (pixel: Pixel | null) => void): () => void;
  pinned(): Pixel | null;
  /** Pins p, or unpins it when it is the pinned one. */
  toggle(p: Pixel): void;
  unpin(): void;
  /** The pinned pixel, else the hovered one, when it lies in the last result's output. */
  target(): Pixel | null;
}

/** State actions on the filter bank (page/services/filters.js). */
export interface FilterActions {
  setPreset(k: number, preset: string): Set<string>;
  /** The filter becomes 'custom' with weight index set. */
  setWeight(k: number, index: number, value: number): Set<string>;
  setBias(k: number, value: number): Set<string>;
  /** Asks the weight editor to open filter k. */
  edit(k: number): void;
  onEdit(fn: (k: number) => void): () => void;
}

/** The AlexNet exercise's last result (the lecture checks its sizes). */
export interface AlexnetResult {
  latest(): { geometry: object; output: number[] } | null;
  publish(value: { geometry: object; output: number[] }): void;
}

/**
 * The context every panel's mount(ctx) gets. It is complete before the first
 * panel mounts and frozen: a panel never adds to it, and reading a member not
 * declared here throws. Panels never import one another.
 */
export interface PanelContext {
  readonly root: HTMLElement;
  readonly doc: Document;
  readonly engine: unknown;
  id(name: string): string;
  $(name: string): HTMLElement | null;
  slot(id: string): HTMLElement;
  goTo(id: string, options?: { focus?: boolean }): boolean;
  addNav(id: string, text: string): void;
  readonly state: Readonly<PlaygroundState>;
  set(name: string, value: unknown): Set<string>;
  update(patch: Partial<PlaygroundState>): Set<string>;
  loadHash(hash: string): Set<string>;
  reset(): Set<string>;
  extendStart(patch: Partial<PlaygroundState>): Set<string>;
  serialize(): string;
  flushHash(): void;
  readonly usesHash: boolean;
  subscribe(fn: (state: Readonly<PlaygroundState>, changed: Set<string>) => void): () => void;
  readonly result: LayerResult | null;
  locked(name: string): boolean;
  on(name: string, fn: (data: unknown) => void): () => void;
  emit(name: string, data?: unknown): void;
  onDestroy(fn: () => void): void;
  listen(target: EventTarget, type: string, fn: EventListener, options?: AddEventListenerOptions | boolean): void;
  photoUrl(name: string): string | null;
  readonly inView: boolean;
  recompute(): Promise<void>;
  readonly source: SourceService;
  readonly pixel: PixelService;
  readonly filters: FilterActions;
  readonly alexnet: AlexnetResult;
  readonly notebook: NotebookService;
}

/** What a notebook button asks the worker for (worker/protocol.js NotebookJob). */
export interface NotebookButtonSpec {
  kind: 'layer' | 'gradients' | 'bnlab' | 'nnlab';
  /** The button's text (its accessible name). */
  label: string;
  /** The line beside it: what the notebook does. */
  hint: string;
  /** The job's fields (throws, saying why, when there is nothing to export yet). */
  job(): Record<string, unknown>;
  /** The .ipynb file's name. */
  file(): string;
}

/** "Open as a notebook" (page/services/notebook.js). */
export interface NotebookService {
  /** false when the instance was mounted with notebook: false. */
  readonly enabled: boolean;
  /** The button with its line and status, or null when the instance offers no notebooks. */
  button(spec: NotebookButtonSpec): HTMLElement | null;
  /** How many notebooks are being built now. */
  readonly busy: number;
}

/** One panel of the static list (panels/index.js). */
export interface PanelView {
  update?(result: LayerResult): void | Promise<void>;
  destroy?(): void;
  api?: unknown;
}
