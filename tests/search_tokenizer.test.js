// The site's Korean/English search words (overrides/assets/javascripts/lunr/min/lunr.ko.min.js),
// run in the lunr Material's search worker bundles (read from its source map) with the same
// pipeline set-up as the worker: `node --test tests/`, or tests/test_search_tokenizer.py.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");
const vm = require("node:vm");

const REPO = path.resolve(__dirname, "..");
const MATERIAL = process.env.MATERIAL_TEMPLATES;
if (!MATERIAL) throw new Error("set MATERIAL_TEMPLATES to material/templates of the venv (tests/test_search_tokenizer.py does)");
const SCRIPTS = path.join(MATERIAL, "assets", "javascripts");

/** Run a UMD file as Material's worker would (`this` is the global holding `lunr`). */
function load(file, sandbox) {
  vm.runInContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
}

function workerLunr() {
  const workers = path.join(SCRIPTS, "workers");
  const map = fs.readdirSync(workers).find((name) => /^search\..*\.min\.js\.map$/.test(name));
  const source = JSON.parse(fs.readFileSync(path.join(workers, map), "utf8"));
  const index = source.sources.findIndex((name) => name.endsWith("node_modules/lunr/lunr.js"));
  assert.ok(index >= 0, "lunr.js is not in Material's search worker source map");
  const sandbox = vm.createContext({ console });
  sandbox.self = sandbox;
  vm.runInContext(`${source.sourcesContent[index]}\n;self.lunr = lunr;`, sandbox);
  load(path.join(SCRIPTS, "lunr", "min", "lunr.stemmer.support.min.js"), sandbox);
  load(path.join(REPO, "overrides", "assets", "javascripts", "lunr", "min", "lunr.ko.min.js"), sandbox);
  load(path.join(SCRIPTS, "lunr", "min", "lunr.multi.min.js"), sandbox);
  return sandbox.lunr;
}

const lunr = workerLunr();
const term = lunr.ko.term;

/** An index built the way Material's worker builds it for `lang: [ko, en]` and
    `pipeline: [stemmer, stopWordFilter]` (search/_/index.ts in mkdocs-material). */
function index(docs) {
  return lunr(function () {
    this.use(lunr.multiLanguage("ko", "en"));
    for (const lang of [lunr.ko, lunr]) {
      this.pipeline.remove(lang.trimmer);
      this.searchPipeline.remove(lang.trimmer);
    }
    this.ref("id");
    this.field("text");
    for (const [id, text] of Object.entries(docs)) this.add({ id, text });
  });
}

/** Material's query: every word a prefix (`word*`). */
function search(idx, query) {
  return Array.from(idx.search(query.trim().split(/\s+/).map((w) => `${w}*`).join(" ")), (r) => r.ref);
}

test("particles and endings are cut off Korean words", () => {
  const cases = {
    컨테이너를: "컨테이너", 레이어는: "레이어", 이미지는: "이미지", 이미지가: "이미지", 이미지와: "이미지",
    격리된: "격리", 격리되어: "격리", 실행하려면: "실행", 삭제됩니다: "삭제", 빌드하기: "빌드",
    컨테이너에서는: "컨테이너", 컨테이너들을: "컨테이너", 앱을: "앱", 앱에서: "앱", 포트를: "포트",
    볼륨으로: "볼륨", 파일로: "파일", 서버로: "서버", 노출하려면: "노출", 지우기: "지우", 멈추고: "멈추",
    컨테이너이므로: "컨테이너", 이미지여서: "이미지", 컨테이너라면: "컨테이너", 실행하므로: "실행", 실행했는지: "실행",
    지우거나: "지우", 서버나: "서버", 컨테이너뿐: "컨테이너", 이미지이자: "이미지", 무엇이든: "무엇",
  };
  for (const [word, stem] of Object.entries(cases)) assert.equal(term(word), stem, word);
});

test("words that only look inflected stay whole", () => {
  for (const word of ["이미지", "결과", "추가", "정도", "경로", "크기", "화면", "게이트웨이", "차이", "레이어", "컨테이너", "순서",
    "메시지", "따라서", "하나", "모든"]) {
    assert.equal(term(word), word);
  }
});

test("both spellings of a word are one word", () => {
  assert.equal(term("인터랙티브"), term("인터렉티브"));
  assert.equal(term("디렉터리에서"), term("디렉토리"));
  assert.equal(term("셸"), term("쉘"));
  assert.equal(term("도커파일로"), term("Dockerfile"));
  assert.equal(term("허브에서"), term("Hub"));
});

test("English words are stemmed; Latin words with a Korean particle too", () => {
  assert.equal(term("isolated"), term("isolation"));
  assert.equal(term("containers"), term("container"));
  assert.equal(term("running"), "run");
  assert.equal(term("Docker가"), "docker");
  assert.equal(term("layers를"), term("layer"));
});

test("a query with a particle finds a text with another one", () => {
  const idx = index({
    l20: "기본적으로 컨테이너는 주변 환경과 격리되어 있습니다.",
    l26: "인스트럭션마다 레이어를 하나씩 만듭니다.",
    l22: "작업 디렉토리를 정합니다.",
    l31: "인터렉티브 모드로 실행합니다.",
    en: "By default a container is isolated from its surroundings.",
  });
  assert.deepEqual(search(idx, "격리된"), ["l20"]);
  assert.deepEqual(search(idx, "레이어는"), ["l26"]);
  assert.deepEqual(search(idx, "작업 디렉터리"), ["l22"]);
  assert.deepEqual(search(idx, "인터랙티브"), ["l31"]);
  assert.deepEqual(search(idx, "isolation"), ["en"]);
  assert.deepEqual(search(idx, "Isolated containers"), ["en"]);
});

test("a word typed halfway still finds its word", () => {
  const idx = index({ a: "컨테이너를 실행합니다", b: "isolated containers" });
  assert.deepEqual(search(idx, "컨테이"), ["a"]);
  assert.deepEqual(search(idx, "isol"), ["b"]);
});

test("a one-syllable word left by a cut is matched whole, not as a prefix", () => {
  const idx = index({ a: "시작하기 전에 확인합니다", b: "전체 목록을 전달합니다" });
  assert.deepEqual(search(idx, "전에"), ["a"]);
  assert.deepEqual(search(idx, "전").sort(), ["a", "b"]); // still typing: a prefix
});

test("the word typed outranks a rarer longer word that starts with it", () => {
  // lunr weighs each word a prefix expands to by its own rarity: 컨테이너포트 (1 text of 3) beat
  // 컨테이너 (2 of 3) for the query 컨테이너. It is still found, last.
  const idx = index({ a: "컨테이너를 지웁니다", b: "컨테이너를 멈춥니다", c: "컨테이너포트를 정합니다" });
  assert.deepEqual(search(idx, "컨테이너").slice(2), ["c"]);
  assert.equal(search(idx, "컨테이너").length, 3);
});

test("question words do not count in a query", () => {
  const idx = index({ a: "포트를 여는 방법은 두 가지입니다", b: "포트를 게시합니다" });
  assert.deepEqual(search(idx, "방법"), []);
  assert.deepEqual(search(idx, "뭐가 게시하는 방법"), ["b"]);
});
