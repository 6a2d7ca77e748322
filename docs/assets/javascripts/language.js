/* One language at a time: keep the table of contents and deep links in step with the
   language tab the reader picked (Material's content.tabs.link switches the tabs and
   remembers the choice across pages and reloads). */
(function () {
  "use strict";

  /** Label of the selected tab in the page's first tab set, e.g. "한국어" or "English". */
  function activeLanguage(root) {
    const set = root.querySelector(".md-content__inner > .tabbed-set");
    if (!set) return null;
    const checked = set.querySelector(":scope > input:checked");
    const label = checked && set.querySelector(`:scope > .tabbed-labels > label[for="${checked.id}"]`);
    return label ? label.textContent.trim() : null;
  }

  /** The tab label text whose block holds `element`, or null outside language tabs. */
  function languageOf(element) {
    const block = element.closest(".tabbed-block");
    if (!block) return null;
    const set = block.closest(".tabbed-set");
    const index = Array.prototype.indexOf.call(block.parentElement.children, block);
    const label = set.querySelectorAll(":scope > .tabbed-labels > label")[index];
    return label ? label.textContent.trim() : null;
  }

  function syncToc(root) {
    const language = activeLanguage(root);
    if (!language) return;
    document.documentElement.dataset.courseLanguage = language;
    for (const link of document.querySelectorAll(".md-nav--secondary a.md-nav__link[href^='#']")) {
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      const other = target && languageOf(target);
      link.parentElement.hidden = Boolean(other && other !== language);
    }
  }

  /** A link to a heading in the other language switches to that language first. */
  function revealHash(root) {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const language = target && languageOf(target);
    if (!language || language === activeLanguage(root)) return;
    // Select that language in every tab set (Material links them once its tabs are mounted,
    // which may be after this runs), then bring the target into view.
    for (const set of root.querySelectorAll(".tabbed-set")) {
      for (const label of set.querySelectorAll(":scope > .tabbed-labels > label")) {
        if (label.textContent.trim() === language) label.click();
      }
    }
    target.scrollIntoView();
  }

  function setup() {
    const root = document.querySelector(".md-content") || document;
    revealHash(root);
    syncToc(root);
    root.addEventListener("change", () => syncToc(root));
  }

  if (window.document$) {
    window.document$.subscribe(setup); // Material's instant navigation, also the first load
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
  window.addEventListener("hashchange", () => revealHash(document.querySelector(".md-content") || document));
})();
