// Case search: every public case whose title, petition, reply or department contains the query.
//
// The index (site/search.py, site/search_source.py) holds each case's overlapping
// character pairs as ASCII tokens; a query is turned into the same tokens here, so
// Pagefind returns every case holding all of its pairs (a superset of the cases holding
// the query string). Each hit is then checked against the case's own text (a small JSON
// file) by exact substring, ranked (titles first, then the whole query, then all of a
// multi-word query's words) and shown with the matching sentence.
// The token encoding mirrors site/search_source.py: change both together.

const BODY = "b";
const TITLE = "t";
const BATCH = 12; // hits checked at once (each is two small requests)

export function normalise(text) {
  return (text || "").replace(/\s+/g, " ").trim().toLowerCase();
}

function charCode(char) {
  const hex = char.codePointAt(0).toString(16).padStart(6, "0");
  return Array.from(hex, (digit) => String.fromCharCode(97 + parseInt(digit, 16))).join("");
}

// The tokens of a query's words (pairs of each space-free run), in order, each once.
export function queryTokens(query, prefix = BODY) {
  const seen = new Set();
  for (const word of words(query)) {
    const chars = Array.from(word);
    for (let i = 0; i + 1 < chars.length; i++) {
      seen.add(prefix + charCode(chars[i]) + charCode(chars[i + 1]));
    }
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

// Load the index: the first bundle, and the other shards merged into it.
export async function openIndex(root, bundles) {
  const pagefind = await import(new URL(bundles[0] + "/pagefind.js", root).href);
  await pagefind.options({ baseUrl: root.pathname });
  for (const folder of bundles.slice(1)) {
    await pagefind.mergeIndex(new URL(folder + "/", root).pathname);
  }
  await pagefind.init();
  return pagefind;
}

// A search: its candidates in order (title hits first), checked in batches by `more()`.
export class Search {
  constructor(pagefind, root, query, filters = {}) {
    this.pagefind = pagefind;
    this.root = root;
    this.query = query;
    this.filters = filters;
    this.found = []; // {tier, order, text}
    this.candidates = null;
    this.checked = 0;
  }

  async start() {
    const options = { filters: this.filters };
    const title = queryTokens(this.query, TITLE);
    const body = queryTokens(this.query, BODY);
    if (!body.length) {
      this.candidates = [];
      return this;
    }
    const [inTitle, anywhere] = await Promise.all([
      this.pagefind.search(title.join(" "), options),
      this.pagefind.search(body.join(" "), options),
    ]);
    const seen = new Set();
    this.candidates = [];
    for (const hit of [...inTitle.results, ...anywhere.results]) {
      if (!seen.has(hit.id)) {
        seen.add(hit.id);
        this.candidates.push(hit);
      }
    }
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

  async text(hit) {
    const data = await hit.data();
    const response = await fetch(new URL(data.meta.text, this.root));
    if (!response.ok) throw new Error(`${response.status} ${data.meta.text}`);
    return response.json();
  }
}
