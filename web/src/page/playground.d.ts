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
  /** True when the last change has been computed and drawn. */
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
