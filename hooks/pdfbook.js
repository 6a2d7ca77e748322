/* The browser half of the offline books (hooks/pdfprint.py loads this into Chromium).

   assemble(): the built pages → one language's chapters, as HTML for one combined document:
   the other language's tab blocks dropped, ids made unique per chapter, links between pages
   turned into links inside the document, code split into lines (so a wrapped line can be
   marked), Mermaid diagrams drawn (once for both languages). fitCode() and setPageNumbers() run
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
    article.querySelectorAll("pre:not(.mermaid) > code").forEach(splitLines);
    for (const element of article.querySelectorAll("[id]")) {
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

  /** {base, label, languages, chapters: [{url, anchor, title}], mermaid: script URL} → chapters'
      HTML (diagrams drawn) and h2s, and the links printed as text (`outside` the book) or sent to
      a chapter's start (`missing` id). Runs in the workspace page, for both languages at once. */
  async function assemble({ base, label, languages, chapters, mermaid }) {
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
      await drawDiagrams(article, new URL(mermaid, base).href);
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

  /** Mermaid's colours from Material's --md-mermaid-* variables, as the site draws diagrams
      (Material's own drawing needs its whole bundle, and hides the drawing in a closed shadow root). */
  function mermaidTheme() {
    const style = getComputedStyle(document.body);
    const color = (name) => style.getPropertyValue(`--md-mermaid-${name}-color`).trim();
    const onWhite = (tint) => { // "#526cfe1a" over white: mermaid wants opaque colours
      const hex = tint.replace("#", "");
      if (hex.length !== 8) return tint;
      const alpha = parseInt(hex.slice(6), 16) / 255;
      const channel = (i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * alpha + 255 * (1 - alpha));
      return `#${[0, 2, 4].map((i) => channel(i).toString(16).padStart(2, "0")).join("")}`;
    };
    return {
      startOnLoad: false,
      theme: "base",
      fontFamily: style.getPropertyValue("--md-text-font-family"),
      themeVariables: {
        primaryColor: onWhite(color("node-bg")),
        primaryBorderColor: color("node-fg"),
        primaryTextColor: color("label-fg"),
        lineColor: color("edge"),
        clusterBkg: "#fafafa",
        clusterBorder: color("node-fg"),
        edgeLabelBackground: "#ffffff",
      },
    };
  }

  let mermaidReady = null;
  const drawn = new Map(); // diagram source → SVG: the two languages share their diagrams

  /** A diagram as SVG, drawn once per build in the workspace page (mermaid loads on first use). */
  function diagram(source, mermaidUrl) {
    mermaidReady ??= new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement("script"), { src: mermaidUrl });
      script.onload = () => resolve(window.mermaid.initialize(mermaidTheme()));
      script.onerror = () => reject(new Error(`cannot load ${mermaidUrl}`));
      document.head.append(script);
    });
    if (!drawn.has(source)) {
      drawn.set(source, mermaidReady.then(() => window.mermaid.render(`book-diagram-${drawn.size}`, source)));
    }
    return drawn.get(source).then(({ svg }) => svg);
  }

  /** Each <pre class="mermaid"> of an article replaced by its drawing. */
  async function drawDiagrams(article, mermaidUrl) {
    for (const block of article.querySelectorAll("pre.mermaid")) {
      const figure = Object.assign(document.createElement("div"), { className: "mermaid" });
      figure.innerHTML = await diagram(block.textContent, mermaidUrl);
      block.replaceWith(figure);
    }
  }

  /** The contents' page numbers, from the first print: {anchor: page}. */
  function setPageNumbers(pages) {
    for (const number of document.querySelectorAll(".book-toc__page[data-target]")) {
      number.textContent = String(pages[number.dataset.target] ?? "?");
    }
  }

  return { assemble, fitCode, setPageNumbers };
})();
