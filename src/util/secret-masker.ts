/**
 * THE masking function of a run: every spelling of every secret, replaced by `***`, in one pass.
 *
 * A secret can come back in many encodings — an app echoes a header JSON-escaped, a login form
 * posts it form-encoded (`+`, `%21`), basic auth carries it in base64, an excerpt cuts it off — so
 * each secret is expanded into its spellings once (`spellingsOf`) and all of them go into one
 * Aho–Corasick automaton. Masking a text is then one scan, linear in its length whatever the
 * number of secrets (a regex alternation backtracks per pattern; a loop of `split` is text ×
 * secrets). Hand-written rather than an npm package: the maintained ones neither report the state
 * at the end of a text (needed for cut prefixes) nor let spellings be added as cookies arrive.
 */
import { mapStringsDeep } from './deep-strings.js';

/** Secrets shorter than this are not masked: masking `ab` everywhere would destroy any report. */
export const MIN_SECRET_CHARS = 4;
/** A secret at least this long is also masked when an excerpt cuts it after ≥ MIN_SECRET_CHARS chars. */
const MIN_CUT_SECRET_CHARS = 6;
/** A base64 run shorter than this is too likely to occur by chance to be masked. */
const MIN_BASE64_CORE_CHARS = 6;
const MASK = '***';
/** Where an excerpt ends: the end of the text, or the ellipsis `summarise.ts` appends. */
const CUT_MARKS = new Set(['…'.charCodeAt(0)]);

export interface Masker {
  /** `text` with every spelling of every secret replaced by `***`. */
  mask(text: string): string;
  /**
   * `mask(chunks.join(''))`, yielded in pieces: a report of 10,000 endpoints is written as it is
   * rendered, never held whole. A spelling split across chunks is still masked.
   */
  maskChunks(chunks: Iterable<string>): Iterable<string>;
  /** Every string inside `value` (objects, arrays) masked; depth-limited against cycles. */
  maskDeep<T>(value: T): T;
  /** Learns more secrets (cookie values received during the run); the index is rebuilt lazily. */
  add(secrets: Iterable<string>): void;
  /** Number of spellings indexed (for tests and figures). */
  readonly spellings: number;
}

/** Every form in which smoke-fix or the app may write `secret`. */
export function spellingsOf(secret: string): string[] {
  if (secret.length < MIN_SECRET_CHARS) return [];
  const out = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  out.add(json);
  // Python's json.dumps (ensure_ascii) and other encoders write non-ASCII as \uXXXX.
  out.add(json.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
  const url = encodeURIComponent(secret);
  out.add(url);
  out.add(url.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  // application/x-www-form-urlencoded: `+` for space, and `!'()*~` escaped too.
  const form = new URLSearchParams({ x: secret }).toString().slice(2);
  out.add(form);
  out.add(form.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  out.add(encodeURI(secret));
  out.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;'));
  out.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
  // The secret encoded on its own (with its padding), then inside a longer base64 text.
  out.add(Buffer.from(secret, 'utf8').toString('base64'));
  out.add(Buffer.from(secret, 'utf8').toString('base64url'));
  for (const core of base64Cores(Buffer.from(secret, 'utf8'))) {
    out.add(core);
    out.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out].filter((s) => s.length >= MIN_SECRET_CHARS);
}

/**
 * The base64 characters that depend only on `bytes`, for each of the 3 alignments it can have
 * inside a longer base64 text (`user:pass` in basic auth puts the password at any offset).
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const skip = [0, 2, 3][offset]!; // chars that mix in the unknown bytes before
    const total = offset + bytes.length;
    const end = 4 * Math.floor(total / 3) + (total % 3); // chars that do not mix in what follows
    const core = b64.slice(skip, end);
    if (core.length >= MIN_BASE64_CORE_CHARS) cores.push(core);
  }
  return cores;
}

interface Node {
  readonly next: Map<number, Node>;
  fail: Node | null;
  readonly depth: number;
  /** Longest spelling that ends here (this node or a suffix of it), 0 if none. */
  out: number;
  /** This node is a prefix (≥ MIN_SECRET_CHARS) of a spelling of ≥ MIN_CUT_SECRET_CHARS chars. */
  cut: boolean;
}

const newNode = (depth: number): Node => ({ next: new Map(), fail: null, depth, out: 0, cut: false });

function build(spellings: Iterable<string>): Node {
  const root = newNode(0);
  for (const s of spellings) {
    let node = root;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = newNode(node.depth + 1)));
      node = child;
      if (s.length >= MIN_CUT_SECRET_CHARS && child.depth >= MIN_SECRET_CHARS && child.depth < s.length) child.cut = true;
    }
    node.out = Math.max(node.out, s.length);
  }
  // Breadth first: a node's failure link is its longest proper suffix that is also in the trie.
  const queue: Node[] = [];
  for (const child of root.next.values()) {
    child.fail = root;
    queue.push(child);
  }
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q]!;
    for (const [c, child] of node.next) {
      let f = node.fail;
      while (f && !f.next.has(c)) f = f.fail;
      child.fail = f ? f.next.get(c)! : root;
      child.out = Math.max(child.out, child.fail.out);
      queue.push(child);
    }
  }
  return root;
}

/**
 * The automaton as flat tables, so that a character costs two array look-ups instead of a walk of
 * Map look-ups down the failure chain: reports of 10,000 endpoints are tens of MB of text.
 * States are numbered breadth first (root 0); code units no spelling holds share class 0, which
 * leads every state back to the root.
 */
interface Automaton {
  /** Code unit → class (0: in no spelling). */
  readonly classOf: Uint16Array;
  readonly classes: number;
  /** `state * classes + class` → next state, failure links already followed. */
  readonly next: Int32Array;
  /** Per state: longest spelling that ends here, 0 if none. */
  readonly out: Int32Array;
  /** Per state: how many chars to mask when a text is cut here (`cutLength`), 0 if none. */
  readonly cut: Int32Array;
  /** Length of the longest spelling: no match reaches further back than this. */
  readonly longest: number;
}

/** Deepest node on the failure chain that is a cut-able prefix: how many chars before a cut to mask. */
function cutLength(node: Node): number {
  for (let n: Node | null = node; n && n.depth >= MIN_SECRET_CHARS; n = n.fail) if (n.cut) return n.depth;
  return 0;
}

function compile(root: Node): Automaton {
  const classOf = new Uint16Array(0x10000);
  let classes = 1;
  const order: Node[] = [root];
  const id = new Map<Node, number>([[root, 0]]);
  for (let q = 0; q < order.length; q++) {
    for (const [c, child] of order[q]!.next) {
      if (classOf[c] === 0) classOf[c] = classes++;
      id.set(child, order.length);
      order.push(child);
    }
  }
  const next = new Int32Array(order.length * classes);
  const out = new Int32Array(order.length);
  const cut = new Int32Array(order.length);
  // Breadth first: a failure link points to a shallower state, whose row is already complete.
  for (let state = 0; state < order.length; state++) {
    const node = order[state]!;
    const row = state * classes;
    if (node.fail) next.copyWithin(row, id.get(node.fail)! * classes, id.get(node.fail)! * classes + classes);
    for (const [c, child] of node.next) next[row + classOf[c]!] = id.get(child)!;
    out[state] = node.out;
    cut[state] = cutLength(node);
  }
  let longest = 0;
  for (const node of order) longest = Math.max(longest, node.depth);
  return { classOf, classes, next, out, cut, longest };
}

/**
 * The state after `code`. A code unit no spelling holds leads every state back to the root, where
 * nothing ends: most of a report (indentation, punctuation) costs one look-up a character.
 */
function step(automaton: Automaton, state: number, code: number): number {
  const c = automaton.classOf[code]!;
  return c === 0 ? 0 : automaton.next[state * automaton.classes + c]!;
}

/** Intervals to mask, as merged [start, end) pairs in order. `textEnds`: the text's end is a cut. */
function intervals(automaton: Automaton, text: string, textEnds: boolean): { starts: number[]; ends: number[] } {
  const { out, cut } = automaton;
  const starts: number[] = [];
  const ends: number[] = [];
  // Merged as they come (they arrive ordered by end).
  const cover = (start: number, end: number) => {
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last]!) {
      starts[last] = Math.min(starts[last]!, start);
      ends[last] = Math.max(ends[last]!, end);
    } else {
      starts.push(start);
      ends.push(end);
    }
  };
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    state = step(automaton, state, text.charCodeAt(i));
    if (state === 0) continue;
    const longest = out[state]!;
    if (longest > 0) cover(i + 1 - longest, i + 1);
    const k = cut[state]!;
    if (k > 0 && (i + 1 === text.length ? textEnds : CUT_MARKS.has(text.charCodeAt(i + 1)))) cover(i + 1 - k, i + 1);
  }
  return { starts, ends };
}

/** `text` up to `to`, each interval that ends by then replaced by the mask. */
function replaced(text: string, { starts, ends }: { starts: number[]; ends: number[] }, to: number): string {
  let masked = '';
  let at = 0;
  for (let j = 0; j < starts.length && ends[j]! <= to; j++) {
    masked += text.slice(at, starts[j]) + MASK;
    at = ends[j]!;
  }
  return masked + text.slice(at, to);
}

/**
 * Whether a scan of `text` reaches a state that ends or cuts a spelling: the same walk as
 * `intervals` without its lists. Nearly every string of a run (dates, paths, ids) holds no secret,
 * and masking a whole 10,000-endpoint result is 150,000 of them.
 */
function mayHold(automaton: Automaton, text: string): boolean {
  const { out, cut } = automaton;
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    state = step(automaton, state, text.charCodeAt(i));
    if (state !== 0 && (out[state]! > 0 || cut[state]! > 0)) return true;
  }
  return false;
}

function maskWith(automaton: Automaton, text: string): string {
  if (!mayHold(automaton, text)) return text;
  const found = intervals(automaton, text, true);
  return found.starts.length === 0 ? text : replaced(text, found, text.length);
}

/** Text is masked in pieces of at least this many chars when it arrives in chunks. */
const PIECE_CHARS = 1 << 16;

/**
 * `maskWith` over the concatenation of `chunks`, yielded piece by piece (same output). Each piece
 * stops `longest` chars before the text seen so far ends, or earlier, at the start of a masked
 * interval that reaches that point: whatever may still match with text to come is scanned again.
 */
function* maskChunksWith(automaton: Automaton, chunks: Iterable<string>): Generator<string> {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length < PIECE_CHARS) continue;
    const found = intervals(automaton, pending, false);
    let cut = pending.length - automaton.longest;
    // Merged intervals neither overlap nor touch: at most one reaches the cut point.
    for (let j = found.starts.length - 1; j >= 0 && found.ends[j]! >= cut; j--) if (found.starts[j]! <= cut) cut = found.starts[j]!;
    if (cut <= 0) continue;
    yield replaced(pending, found, cut);
    pending = pending.slice(cut);
  }
  yield maskWith(automaton, pending);
}

export function createMasker(secrets: Iterable<string> = []): Masker {
  const spellings = new Set<string>();
  // Secrets already spelt out: the probe adds the sessions' secrets after every request, and
  // working out a secret's spellings (base64 at three offsets, encodings) each time is waste.
  const added = new Set<string>();
  let automaton: Automaton | null = null;
  // Objects found free of secrets, for the spellings known when they were checked.
  let clean = new WeakSet<object>();
  const masker: Masker = {
    add(more) {
      for (const s of more) {
        if (added.has(s)) continue;
        added.add(s);
        for (const sp of spellingsOf(s)) {
          if (!spellings.has(sp)) {
            spellings.add(sp);
            automaton = null;
            clean = new WeakSet();
          }
        }
      }
    },
    mask(text) {
      if (spellings.size === 0 || text.length < MIN_SECRET_CHARS) return text;
      automaton ??= compile(build(spellings));
      return maskWith(automaton, text);
    },
    maskChunks(chunks) {
      if (spellings.size === 0) return chunks;
      automaton ??= compile(build(spellings));
      return maskChunksWith(automaton, chunks);
    },
    maskDeep<T>(value: T): T {
      return spellings.size === 0 ? value : deep(value, 0);
    },
    get spellings() {
      return spellings.size;
    },
  };
  const deep = <T>(value: T, _depth: number): T => mapStringsDeep(value, masker.mask, clean);
  masker.add(secrets);
  return masker;
}
