/* The browser half of the offline books (hooks/pdfprint.py loads this into Chromium).

   assemble(): the built pages → one language's chapters, as HTML for one combined document:
   the other language's tab blocks dropped, ids made unique per chapter, links between pages
   turned into links inside the document, code split into lines (so a wrapped line can be
   marked); diagrams are the inline SVGs of the pages (hooks/diagrams.py). fitCode() and setPageNumbers() run
   on the combined document, before and between its prints. */
window.courseBook = (() => {
  "use strict";

  const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

  /** A page's id, unique in the book and plain ASCII (it becomes a PDF destination's name). */
  const localId = (anchor, id) =>
    `${anchor}--${id.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0).toString(16)}_`)}`;

  /** Every tab set whose labels are all languages keeps only `label`'s blocks, unwrapped. */
  function keepLanguage(root, label, languages) {
    for (const set of root.querySelectorAll(".tabbed-set")) {
      const labels = [...set.querySelectorAll(":scope > .tabbed-labels > label")].map((l) => l.textContent.trim());
      if (!labels.length || !labels.every((text) => languages.includes(text))) continue;
      const blocks = [...set.querySelectorAll(":scope > .tabbed-content > .tabbed-block")];
      const kept = blocks.filter((_, index) => labels[index] === label);
      set.replaceWith(...kept.flatMap((block) => [...block.childNodes]));
    }
  }

  /** A code block's lines as block elements: each line starts at pymdownx's line anchor. */
  function splitLines(code) {
    const anchors = code.querySelectorAll(':scope > a[id^="__codelineno"]');
    if (!anchors.length) return;
    const lines = [];
    let line = null;
    for (const node of [...code.childNodes]) {
      if (node.nodeType === 1 && node.matches('a[id^="__codelineno"]')) {
        line = document.createElement("span");
        line.className = "book-line";
        lines.push(line);
        continue;
      }
      if (line) line.append(node);
      else if (node.textContent.trim()) lines.push(node); // nothing precedes the first anchor
    }
    code.replaceChildren(...lines);
  }

  /** Page URL → chapter anchor, for links between pages. */
  function chapterPath(url, base) {
    const path = decodeURIComponent(url.pathname).replace(/index\.html$/, "");
    const root = new URL(base).pathname;
    return path.startsWith(root) ? path.slice(root.length) : null;
  }

  /** Links: to a chapter (or an id in it) → "#id"; to the site outside the book, or to the
      reader's own machine (http://localhost:3000, the app they run) → plain text, as a link in
      a book would be dead; elsewhere → kept, made absolute. */
  function relink(root, pageUrl, base, anchors, ids, report) {
    const origin = new URL(base).origin;
    for (const link of root.querySelectorAll("a[href]")) {
      const url = new URL(link.getAttribute("href"), pageUrl);
      const chapter = url.origin === origin ? anchors[chapterPath(url, base)] : null;
      if (url.origin !== origin && !LOOPBACK.includes(url.hostname)) {
        link.setAttribute("href", url.href);
        continue;
      }
      if (!chapter) {
        report.outside.push(url.origin === origin ? url.pathname + url.hash : url.href);
        link.replaceWith(...link.childNodes);
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      const target = fragment && localId(chapter, fragment);
      if (fragment && !ids.has(target)) report.missing.push(url.pathname + url.hash);
      link.setAttribute("href", `#${target && ids.has(target) ? target : chapter}`);
    }
  }

  /** One page's article, cleaned for the book; its ids are prefixed with the chapter's anchor. */
  function chapterOf(doc, chapter, label, languages, ids) {
    const article = doc.querySelector("article.md-content__inner");
    keepLanguage(article, label, languages);
    article.querySelectorAll(".headerlink, .web-only, .md-source-file").forEach((element) => element.remove());
    article.querySelectorAll("pre > code").forEach(splitLines);
    // a diagram's SVG keeps its ids: its own styles and arrow markers refer to them, and they are
    // unique already (hooks/diagramcache.py names each drawing by its content hash)
    for (const element of article.querySelectorAll("[id]:not(.course-diagram, .course-diagram *)")) {
      element.id = localId(chapter.anchor, element.id);
      ids.add(element.id);
    }
    for (const element of article.querySelectorAll("label[for], input[name]")) {
      if (element.htmlFor) element.htmlFor = localId(chapter.anchor, element.htmlFor);
      if (element.name) element.name = localId(chapter.anchor, element.name);
    }
    const heading = article.querySelector("h1");
    if (heading) heading.textContent = chapter.title;
    else article.prepend(Object.assign(document.createElement("h1"), { textContent: chapter.title }));
    article.querySelector("h1").removeAttribute("id");
    return article;
  }

  /** Resolve src attributes against the page, as its content moves to another document. */
  function absoluteSources(root, pageUrl) {
    for (const element of root.querySelectorAll("[src]")) {
      element.setAttribute("src", new URL(element.getAttribute("src"), pageUrl).href);
    }
  }

  /** {base, label, languages, chapters: [{url, anchor, title}]} → chapters' HTML and h2s, and
      the links printed as text (`outside` the book) or sent to
      a chapter's start (`missing` id). Runs in the workspace page, for both languages at once. */
  async function assemble({ base, label, languages, chapters }) {
    const anchors = Object.fromEntries(chapters.map((chapter) => [chapter.url, chapter.anchor]));
    const ids = new Set();
    const parser = new DOMParser();
    const articles = [];
    for (const chapter of chapters) {
      const pageUrl = new URL(chapter.url, base).href;
      const response = await fetch(pageUrl);
      if (!response.ok) throw new Error(`${pageUrl}: HTTP ${response.status}`);
      const doc = parser.parseFromString(await response.text(), "text/html");
      const article = chapterOf(doc, chapter, label, languages, ids);
      articles.push([chapter, pageUrl, article]);
    }
    const report = { outside: [], missing: [] }; // links printed as text; to a chapter's start
    return {
      chapters: articles.map(([chapter, pageUrl, article]) => {
        relink(article, pageUrl, base, anchors, ids, report);
        absoluteSources(article, pageUrl);
        const headings = [...article.querySelectorAll("h2[id]")].map((h) => [h.id, h.textContent.trim()]);
        return { anchor: chapter.anchor, html: article.innerHTML, headings };
      }),
      ...report,
    };
  }

  /** Code blocks wider than the page get a smaller size (down to `smallest` pt), so a 100- or
      120-column terminal table stays one line per row; what is still wider wraps, marked.
      Returns the lines that wrap (the start of each). */
  function fitCode(smallest) {
    const probe = document.createElement("span");
    probe.style.cssText = "display: inline-block; white-space: pre";
    probe.textContent = "0".repeat(100);
    for (const code of document.querySelectorAll(".book-chapter pre > code")) {
      const lines = code.textContent.split("\n");
      const columns = Math.max(...lines.map((line) => [...line].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0)));
      code.append(probe);
      const style = getComputedStyle(code);
      const perColumn = probe.getBoundingClientRect().width / 100;
      probe.remove();
      const room = code.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (columns * perColumn <= room) continue;
      const size = parseFloat(style.fontSize) * 0.75; // px → pt
      const fitted = Math.max(smallest, (0.98 * size * room) / (columns * perColumn));
      code.style.fontSize = `${fitted.toFixed(2)}pt`;
    }
    // a short block (or the start and end of a long one) is not split from its title
    for (const code of document.querySelectorAll(".book-chapter pre > code")) {
      if (code.children.length <= 12) code.closest(".highlight")?.classList.add("book-keep");
    }
    return [...document.querySelectorAll(".book-line")].filter(
      (line) => line.getClientRects().length && line.offsetHeight > 1.5 * parseFloat(getComputedStyle(line).lineHeight),
    ).map((line) => line.textContent.trim().slice(0, 60));
  }

  /** The contents' page numbers, from the first print: {anchor: page}. */
  function setPageNumbers(pages) {
    for (const number of document.querySelectorAll(".book-toc__page[data-target]")) {
      number.textContent = String(pages[number.dataset.target] ?? "?");
    }
  }

  return { assemble, fitCode, setPageNumbers };
})();
