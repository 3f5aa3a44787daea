// Case search: every public case whose title, petition, reply or department contains the query.
//
// The index (site/search_index.py) lists, per character pair, the public cases holding it
// (in title or anywhere), and per filter value its cases. A query becomes its pairs here;
// the cases on every pair's list are a superset of the cases holding the query string (full
// recall). Each is then checked against the case's own text (a small JSON file) by exact
// substring, ranked (titles first, then the whole query, then all of a multi-word query's
// words; newest first within a rank) and shown with the matching sentence.
// The pairs, the normalisation and the bucket hash mirror site/search_source.py and
// site/search_index.py: change them together.

const BODY = "b";
const TITLE = "t";
const BATCH = 12; // hits checked at once (each is one small request)

export function normalise(text) {
  return (text || "").replace(/\s+/g, " ").trim().toLowerCase();
}

// The index keys of a query's pairs (of each space-free run), in order, each once.
export function queryKeys(query, prefix = BODY) {
  const seen = new Set();
  for (const word of words(query)) {
    const chars = Array.from(word);
    for (let i = 0; i + 1 < chars.length; i++) seen.add(prefix + chars[i] + chars[i + 1]);
  }
  return [...seen];
}

export function words(query) {
  const text = normalise(query);
  return text ? text.split(" ") : [];
}

// How well a case matches: 0 title holds the query, 1 its text does, 2 title holds every
// word, 3 its text holds every word; null when it does not hold every word (not a match).
export function tier(query, text) {
  const whole = normalise(query);
  const title = normalise(text.title);
  const all = [text.title, ...text.petition, ...text.replies, text.department].map(normalise).join("\n");
  if (title.includes(whole)) return 0;
  if (all.includes(whole)) return 1;
  const parts = words(query);
  if (parts.every((w) => title.includes(w))) return 2;
  if (parts.every((w) => all.includes(w))) return 3;
  return null;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// A pattern finding the query (its spaces as any white space), or else any of its words.
function patterns(query) {
  const whole = words(query).map(escapeRegExp).join("\\s+");
  return [new RegExp(whole, "i"), new RegExp(words(query).map(escapeRegExp).join("|"), "i")];
}

// The sentence of the petition or a reply that holds the query (else a word of it), cut
// around the match; the petition's first sentence when only the title or department holds it.
export function excerpt(query, text, width = 90) {
  const paragraphs = [...text.petition, ...text.replies].filter(Boolean);
  for (const pattern of patterns(query)) {
    for (const paragraph of paragraphs) {
      for (const sentence of paragraph.match(/[^。！？!?\n]+[。！？!?]*/g) || []) {
        const found = sentence.match(pattern);
        if (found) return cut(sentence.trim(), sentence.trim().search(pattern), found[0].length, width);
      }
    }
  }
  const first = (paragraphs[0] || "").trim();
  return first.length > width ? first.slice(0, width) + "…" : first;
}

function cut(sentence, at, length, width) {
  if (sentence.length <= width) return sentence;
  const start = Math.max(0, Math.min(at - Math.floor((width - length) / 2), sentence.length - width));
  return (start > 0 ? "…" : "") + sentence.slice(start, start + width) + (start + width < sentence.length ? "…" : "");
}

// Text as DOM nodes with each occurrence of the query or its words in <mark> (no HTML parsing).
export function marked(query, text) {
  const fragment = document.createDocumentFragment();
  const list = words(query);
  if (!list.length) {
    fragment.append(text);
    return fragment;
  }
  const whole = list.map(escapeRegExp).join("\\s+");
  const pattern = new RegExp(`${whole}|${list.map(escapeRegExp).join("|")}`, "gi");
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    if (!found[0]) continue;
    fragment.append(text.slice(last, found.index));
    const mark = document.createElement("mark");
    mark.textContent = found[0];
    fragment.append(mark);
    last = found.index + found[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

// CRC-32 of the text's UTF-8 bytes (Python's zlib.crc32).
export function crc32(text) {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// Sorted lists of case numbers: those on every list (the shortest is walked).
function intersect(lists) {
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length);
  const sets = rest.map((list) => new Set(list));
  return first.filter((n) => sets.every((set) => set.has(n)));
}

// The index files of one site: meta.json, the buckets of lists, the case lists (each fetched once).
export class Index {
  constructor(base, meta) {
    this.base = base;
    this.meta = meta;
    this.files = new Map();
  }

  file(name) {
    if (!this.files.has(name)) {
      const url = new URL(name, this.base);
      this.files.set(name, fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${response.status} ${url}`);
        return response.json();
      }));
    }
    return this.files.get(name);
  }

  // The cases on a key's list, ascending (a pair's "b" and "t" lists share the pair's bucket).
  async cases(key) {
    const hashed = key[0] === BODY || key[0] === TITLE ? key.slice(1) : key;
    const bucket = String(crc32(hashed) % this.meta.buckets).padStart(4, "0");
    const deltas = (await this.file(`pairs/${bucket}.json`))[key] || [];
    let number = 0;
    return deltas.map((delta) => (number += delta));
  }

  async every(keys) {
    return intersect(await Promise.all(keys.map((key) => this.cases(key))));
  }

  // Cases allowed by the chosen filters ({name: {any: [values]}}): any value of a name, every name; null: all.
  async allowed(filters) {
    const chosen = Object.entries(filters).filter(([, { any }]) => any.length);
    if (!chosen.length) return null;
    const lists = await Promise.all(chosen.map(async ([name, { any }]) => {
      const each = await Promise.all(any.map((value) => this.cases(`f${name}=${value}`)));
      return [...new Set(each.flat())];
    }));
    return new Set(intersect(lists));
  }

  keysFile(number) {
    return this.file(`keys/${String(Math.floor(number / this.meta.chunk)).padStart(4, "0")}.json`);
  }

  async textPath(number) {
    return (await this.keysFile(number))[number % this.meta.chunk];
  }

  filters() {
    return this.meta.filters;
  }
}

// Load the index's meta.json (the buckets and chunks are fetched as queries need them).
export async function openIndex(root, folder) {
  const base = new URL(folder.replace(/\/?$/, "/"), root);
  const response = await fetch(new URL("meta.json", base));
  if (!response.ok) throw new Error(`${response.status} ${base}meta.json`);
  const index = new Index(base, await response.json());
  // Hits come newest first: the newest cases' list is fetched while the query's buckets are.
  if (index.meta.cases) index.keysFile(index.meta.cases - 1).catch(() => {});
  return index;
}

// A search: its candidates in order (title hits first, newest first), checked in batches by `more()`.
export class Search {
  constructor(index, root, query, filters = {}) {
    this.index = index;
    this.root = root;
    this.query = query;
    this.filters = filters;
    this.found = []; // {tier, order, text}
    this.candidates = null;
    this.checked = 0;
  }

  async start() {
    const body = queryKeys(this.query, BODY);
    if (!body.length) {
      this.candidates = [];
      return this;
    }
    const [inTitle, anywhere, allowed] = await Promise.all([
      this.index.every(queryKeys(this.query, TITLE)),
      this.index.every(body),
      this.index.allowed(this.filters),
    ]);
    const keep = (number) => !allowed || allowed.has(number);
    const titled = new Set(inTitle);
    this.candidates = [...inTitle.filter(keep).reverse(),
                       ...anywhere.filter((n) => keep(n) && !titled.has(n)).reverse()];
    return this;
  }
  get done() {
    return this.checked >= this.candidates.length;
  }

  // Check the next batch of candidates; returns the matches so far, best first.
  async more(batch = BATCH) {
    const next = this.candidates.slice(this.checked, this.checked + batch);
    const order = this.checked;
    this.checked += next.length;
    const texts = await Promise.all(next.map((hit) => this.text(hit)));
    texts.forEach((text, i) => {
      const rank = tier(this.query, text);
      if (rank !== null) this.found.push({ tier: rank, order: order + i, text });
    });
    this.found.sort((a, b) => a.tier - b.tier || a.order - b.order);
    return this.found;
  }

  // Check until `count` matches are known or nothing is left.
  async atLeast(count) {
    while (this.found.length < count && !this.done) await this.more();
    return this.found;
  }

  async all() {
    while (!this.done) await this.more(48);
    return this.found;
  }

  async text(number) {
    const path = await this.index.textPath(number);
    const response = await fetch(new URL(path, this.root));
    if (!response.ok) throw new Error(`${response.status} ${path}`);
    return response.json();
  }
}
