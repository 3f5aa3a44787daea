// The search page: the form, the Chinese filters (folded on a phone) and the results.
// Everything a case brings (title, board, text) is put in as text nodes, never as HTML.
import { Search, excerpt, marked, openIndex, words } from "./search.js";

const PAGE = 10;
const FIRST = 5; // hits checked before the first drawing
const FILTERS = [["board", "板块"], ["status", "状态"], ["year", "年份"]];

const box = document.getElementById("search");
const root = new URL(box.dataset.root, document.baseURI);
// No <form> element (the trust checks refuse forms in pages): Enter or the button searches.
const input = box.querySelector("input[name=q]");
const message = box.querySelector(".search-message");
const list = box.querySelector(".search-results");
const moreButton = box.querySelector(".search-more");
const panel = box.querySelector(".search-filters");
let current = null;
let shown = PAGE;

const index = openIndex(root, box.dataset.index);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function drawFilters() {
  const available = (await index).filters();
  const holder = panel.querySelector(".search-filter-groups");
  for (const [name, label] of FILTERS) {
    const values = Object.entries(available[name] || {}).filter(([, count]) => count > 0);
    if (!values.length) continue;
    values.sort(([a], [b]) => (name === "year" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN")));
    const group = element("fieldset", "search-filter-group");
    group.append(element("legend", "search-filter-name", label));
    for (const [value, count] of values) {
      const option = element("label", "search-filter-option");
      const box = element("input", "search-filter-checkbox");
      box.type = "checkbox";
      box.name = name;
      box.value = value;
      box.addEventListener("change", () => run());
      option.append(box, ` ${value}（${count}）`);
      group.append(option);
    }
    holder.append(group);
  }
}

function chosenFilters() {
  const filters = {};
  for (const checked of panel.querySelectorAll(".search-filter-checkbox:checked")) {
    (filters[checked.name] ||= { any: [] }).any.push(checked.value);
  }
  return filters;
}

function drawResult(query, text) {
  const item = element("li", "search-result");
  const heading = element("h2", "search-result-title");
  const link = element("a", "search-result-link");
  link.href = new URL(text.url, root).pathname;
  link.append(marked(query, text.title));
  heading.append(link);
  const meta = element("p", "search-result-meta", [text.board, text.status, text.date].filter(Boolean).join(" · "));
  const quote = element("p", "search-result-excerpt");
  quote.append(marked(query, excerpt(query, text)));
  item.append(heading, meta, quote);
  return item;
}

// Check hits batch by batch, drawing after each: the first few checked hits show at once
// (most hits hold the query), the list fills up to the page, the rest are counted in the background.
async function draw(search) {
  const wanted = search.found.length < shown;
  await search.more(!wanted ? 48 : search.found.length ? 12 : FIRST);
  if (search !== current) return;
  const found = search.found;
  list.replaceChildren(...found.slice(0, shown).map((hit) => drawResult(search.query, hit.text)));
  moreButton.hidden = found.length <= shown && search.done;
  if (search.done) {
    message.textContent = found.length ? `找到 ${found.length} 个案件` : `没有找到包含“${search.query}”的案件`;
    return;
  }
  message.textContent = `已找到 ${found.length} 个案件，正在核对其余结果…`;
  draw(search);
}

async function run() {
  const query = input.value.trim();
  const url = new URL(window.location.href);
  query ? url.searchParams.set("q", query) : url.searchParams.delete("q");
  history.replaceState(null, "", url);
  shown = PAGE;
  current = null;
  list.replaceChildren();
  moreButton.hidden = true;
  if (!query) {
    message.textContent = "";
    return;
  }
  if (!words(query).some((word) => Array.from(word).length > 1)) {
    message.textContent = "请输入至少两个字，例如小区、道路或单位的名称。";
    return;
  }
  message.textContent = "正在搜索…";
  const search = new Search(await index, root, query, chosenFilters());
  current = search;
  await search.start();
  if (search === current) await draw(search);
}

box.querySelector(".search-button").addEventListener("click", () => run());
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.isComposing) run(); // not while an input method is composing
});
moreButton.addEventListener("click", () => {
  shown += PAGE;
  if (current) draw(current);
});
// Wide screens show the filters beside the results; a phone keeps them folded below the form.
if (window.matchMedia("(min-width: 48em)").matches) panel.open = true;
const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  run();
}
drawFilters(); // after the search has asked for its lists: drawing a few hundred options takes a while
