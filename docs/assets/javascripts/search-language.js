/* Search results in the reader's language only. hooks/search_index.py tags every entry of the
   search index "ko" or "en" (a page's top entry comes once per language, titled in it). Material
   posts the index to its search worker once; this script passes on only the entries of
   <html lang>, and when the language changes (the "course:language" event) posts the other
   language's entries and the last query again, so open results switch too. */
(function () {
  "use strict";
  if (window.__courseSearchLanguage || typeof Worker === "undefined") return;
  window.__courseSearchLanguage = true;

  var SETUP = 0; // Material's SearchMessageType.SETUP
  var QUERY = 2; // SearchMessageType.QUERY
  var post = Worker.prototype.postMessage;
  var state = { worker: null, index: null, language: null, query: null, loading: null };

  function language() {
    return /^en\b/i.test(document.documentElement.lang || "") ? "en" : "ko";
  }

  function inLanguage(index, code) {
    var docs = index.docs.filter(function (doc) { return !doc.lang || doc.lang === code; });
    return Object.assign({}, index, { docs: docs });
  }

  function setup(worker, code) {
    state.language = code;
    post.call(worker, { type: SETUP, data: inLanguage(state.index, code) });
  }

  /* The index, should Material have posted it before this script ran: fetched once more. */
  function loadIndex(worker) {
    if (state.loading) return state.loading;
    var config = JSON.parse(document.getElementById("__config").textContent);
    var url = new URL("search/search_index.json", new URL(config.base, location.href));
    state.loading = fetch(url).then(function (response) { return response.json(); }).then(function (index) {
      state.index = Object.assign({ options: { suggest: false } }, index);
      setup(worker, language());
      if (state.query !== null) post.call(worker, { type: QUERY, data: state.query });
    });
    return state.loading;
  }

  Worker.prototype.postMessage = function (message) {
    if (message && message.type === SETUP && message.data && Array.isArray(message.data.docs)) {
      state.worker = this;
      state.index = message.data;
      return setup(this, language());
    }
    if (message && message.type === QUERY) {
      state.worker = this;
      state.query = message.data;
      if (!state.index && location.protocol !== "file:") loadIndex(this);
      else if (state.index && state.language !== language()) setup(this, language());
    }
    return post.apply(this, arguments);
  };

  document.addEventListener("course:language", function () {
    if (!state.worker || !state.index || state.language === language()) return;
    setup(state.worker, language());
    if (state.query !== null) post.call(state.worker, { type: QUERY, data: state.query });
  });
})();
