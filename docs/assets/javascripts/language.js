/* One language at a time: the header's switch (overrides/partials/header.html) toggles 한국어 /
   English for the whole site, remembered in Material's `__tabs` entry (the one content.tabs.link
   writes). overrides/main.html applies the choice before first paint (<html lang> and
   data-course-language, which course.css shows one language by); this script keeps the rest in
   step: the tab sets' radio inputs, attributes CSS cannot switch (data-course-attrs), the page
   title, Material's strings outside the course's partials, and a link to a section in the other
   language. Contract for other scripts: `document.documentElement.lang` is "ko" or "en", and a
   change fires `course:language` ({detail: {lang}}) on document. */
(function () {
  "use strict";

  const root = document.documentElement;
  const LABEL = { ko: "한국어", en: "English" };

  const current = () => (root.getAttribute("data-course-language") === "en" ? "en" : "ko");

  function stored() {
    try {
      const tabs = __md_get("__tabs") || [];
      const label = tabs.find((tab) => tab === LABEL.ko || tab === LABEL.en);
      return label === LABEL.en ? "en" : label === LABEL.ko ? "ko" : null;
    } catch (error) {
      return null;
    }
  }

  function store(language) {
    try {
      const others = (__md_get("__tabs") || []).filter((tab) => tab !== LABEL[language]);
      __md_set("__tabs", [LABEL[language], ...others]);
    } catch (error) {
      /* no storage: the choice lasts for this page */
    }
  }

  function pageData() {
    const element = document.getElementById("__course_page");
    return element ? JSON.parse(element.textContent) : null;
  }

  /** Material's strings that its bundle or base.html writes, outside the course's partials. */
  function materialStrings(language) {
    const ui = (window.__course && window.__course.ui[language]) || {};
    const set = (selector, apply) => document.querySelectorAll(selector).forEach(apply);
    set(".md-skip", (link) => {
      if (link.textContent !== ui["action.skip"]) link.textContent = ui["action.skip"];
    });
    set(".md-search", (dialog) => setIfChanged(dialog, "aria-label", ui["search"]));
    set(".md-search__input", (input) => {
      setIfChanged(input, "placeholder", ui["search.placeholder"]);
      setIfChanged(input, "aria-label", ui["search.placeholder"]);
    });
    set(".md-search__options", (nav) => setIfChanged(nav, "aria-label", ui["search"]));
    set('.md-search__options [type="reset"]', (button) => {
      setIfChanged(button, "title", ui["search.reset"]);
      setIfChanged(button, "aria-label", ui["search.reset"]);
    });
    set('[data-md-component="search-share"]', (link) => {
      setIfChanged(link, "title", ui["search.share"]);
      setIfChanged(link, "aria-label", ui["search.share"]);
    });
    const other = window.__course && window.__course.ui[language === "ko" ? "en" : "ko"];
    set(".md-search-result__meta", (meta) => {
      if (other && meta.textContent.trim() === other["search.result.initializer"]) {
        meta.textContent = ui["search.result.initializer"];
      }
    });
    set("nav.md-code__nav", (nav) => nameToolbar(nav, ui));
    set('.md-code__button[data-md-type="copy"], .md-clipboard', (button) => {
      setIfChanged(button, "title", ui["clipboard.copy"]);
    });
  }

  /** Each code block's toolbar (a <nav> Material adds) is a landmark: "Code block 3", numbered
      by the block's place on the page, so every landmark has a name of its own. */
  function nameToolbar(nav, ui) {
    const block = nav.closest("pre");
    const number = block ? [...document.querySelectorAll("pre")].indexOf(block) + 1 : 0;
    setIfChanged(nav, "aria-label", `${ui["course.code"]} ${number}`);
  }

  /** A code block's toolbar that Material makes after the load (a page's content replaced by
      instant navigation) is named when it appears. */
  new MutationObserver((records) => {
    const ui = window.__course && window.__course.ui[current()];
    if (!ui) return;
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof Element && node.matches("nav.md-code__nav")) nameToolbar(node, ui);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });

  /** Writes only what changes: even an unchanged `lang` makes the browser restyle every element
      (a :lang() check), and a page load calls apply() once when nothing has changed. */
  function setIfChanged(element, name, value) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  /** Bring everything that is not CSS-switched into `language`. */
  function apply(language) {
    setIfChanged(root, "lang", language);
    setIfChanged(root, "data-course-language", language);
    for (const set of document.querySelectorAll(".course-languages")) {
      const input = set.querySelectorAll(":scope > input")[language === "en" ? 1 : 0];
      if (input && !input.checked) input.checked = true; // print CSS reads the radios
    }
    for (const element of document.querySelectorAll("[data-course-attrs]")) {
      const values = JSON.parse(element.getAttribute("data-course-attrs"));
      for (const [name, text] of Object.entries(values)) setIfChanged(element, name, text[language]);
    }
    const data = pageData();
    if (data && document.title !== data.title[language]) document.title = data.title[language];
    materialStrings(language);
  }

  /** The tab set at the top of the window, to keep the reader's place when the text changes. */
  function placeMark() {
    const top = (document.querySelector(".md-header") || {}).offsetHeight || 0;
    for (const set of document.querySelectorAll(".course-languages")) {
      const box = set.getBoundingClientRect();
      if (box.bottom > top) return { set, top: box.top };
    }
    return null;
  }

  function switchTo(language, { keepPlace = true, remember = true } = {}) {
    if (language === current() && (!remember || stored() === language)) return;
    const changed = language !== current();
    const mark = keepPlace && placeMark();
    apply(language);
    if (remember) store(language);
    if (mark) window.scrollBy(0, mark.set.getBoundingClientRect().top - mark.top);
    if (changed) document.dispatchEvent(new CustomEvent("course:language", { detail: { lang: language } }));
  }

  /** A link to a section in the other language switches to that language, then shows it. */
  function revealHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const block = target && target.closest(".course-languages > .tabbed-content > .tabbed-block[lang]");
    if (!block) return;
    if (block.lang !== current()) {
      switchTo(block.lang, { keepPlace: false });
      target.scrollIntoView();
    } else if (stored() !== block.lang) {
      store(block.lang); // the head script showed the linked language before first paint
    }
  }

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest("[data-course-switch]")) return;
    switchTo(current() === "ko" ? "en" : "ko");
  });
  window.addEventListener("hashchange", revealHash);

  function setup() {
    apply(current()); // after an instant navigation: new content, Korean radios and <title>
    revealHash();
  }

  if (window.document$) {
    window.document$.subscribe(setup); // Material's instant navigation, also the first load
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
