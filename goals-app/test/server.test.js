// Tests for server.js: start the real server as a child process and talk HTTP to it.
// Run with `npm test` (node --test). Works on Node 18 and later.

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const SERVER = path.join(__dirname, '..', 'server.js');

// Ask the OS for a free port, then release it for the server to use.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Start server.js and resolve once it prints its startup line (5 s at most).
async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, 5000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(`Goals app listening on port ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}):\n${output}`));
    });
  });
  child.stdout.resume(); // keep draining, so logging never blocks the server
  return { child, base: `http://127.0.0.1:${port}` };
}

// Resolve with the exit code once the child has exited.
function exited(child) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

let server;
before(async () => {
  server = await startServer();
});
after(() => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
});

// POST a goal as a browser form would, without following the redirect.
function postGoal(body) {
  return fetch(`${server.base}/store-goal`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
    redirect: 'manual',
  });
}

async function homePage() {
  const res = await fetch(`${server.base}/`);
  assert.strictEqual(res.status, 200);
  return res.text();
}

// Set a known goal first, so no test depends on the order they run in.
async function setGoal(goal) {
  const res = await postGoal({ goal });
  assert.strictEqual(res.status, 302);
  await res.arrayBuffer();
}

test('GET / shows the title and the initial goal', async () => {
  const html = await homePage();
  assert.match(html, /My Course Goal/);
  assert.match(html, /<h3>Learn Docker!<\/h3>/);
  assert.match(html, /<form method="POST" action="\/store-goal">/);
});

test('POST /store-goal stores the trimmed goal and redirects to /', async () => {
  const res = await postGoal({ goal: '  Ship a container  ' });
  assert.strictEqual(res.status, 302);
  assert.strictEqual(res.headers.get('location'), '/');
  await res.arrayBuffer();
  assert.match(await homePage(), /<h3>Ship a container<\/h3>/);
});

test('goals are HTML-escaped', async () => {
  await setGoal(`<script>alert("x")</script> & 'quotes'`);
  const html = await homePage();
  assert.ok(!html.includes('<script>'));
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;quotes&#39;/);
});

test('an empty or blank goal gets 400 and leaves the goal unchanged', async () => {
  await setGoal('Keep me');
  for (const body of ['goal=', 'goal=%20%20%20', '']) {
    const res = await postGoal(body);
    assert.strictEqual(res.status, 400);
    assert.match(await res.text(), /Please enter a goal\./);
  }
  assert.match(await homePage(), /<h3>Keep me<\/h3>/);
});

test('a 201-character goal gets 400; 200 characters are accepted', async () => {
  await setGoal('Keep me');
  const res = await postGoal({ goal: 'a'.repeat(201) });
  assert.strictEqual(res.status, 400);
  assert.match(await res.text(), /200 characters/);
  assert.match(await homePage(), /<h3>Keep me<\/h3>/);

  await setGoal('b'.repeat(200));
  assert.ok((await homePage()).includes(`<h3>${'b'.repeat(200)}</h3>`));
});

test('a body over 10 KB gets 413, the goal stays, the server keeps answering', async () => {
  await setGoal('Keep me');
  const res = await postGoal('goal=' + 'x'.repeat(11 * 1024));
  assert.strictEqual(res.status, 413);
  const text = await res.text();
  assert.match(text, /too large/);
  assert.ok(!text.includes('    at '), 'no stack trace in the response');
  assert.match(await homePage(), /<h3>Keep me<\/h3>/);
});

test('/styles.css is served as CSS', async () => {
  const res = await fetch(`${server.base}/styles.css`);
  assert.strictEqual(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/css/);
  await res.arrayBuffer();
});

test('SIGTERM and SIGINT stop the server with code 0 in under 1 s', async () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    const own = await startServer();
    try {
      // Leave a keep-alive connection open: shutdown must not wait for it.
      const res = await fetch(`${own.base}/`);
      await res.text();
      const started = Date.now();
      own.child.kill(signal);
      const code = await exited(own.child);
      const elapsed = Date.now() - started;
      assert.strictEqual(code, 0, `${signal}: exit code`);
      assert.ok(elapsed < 1000, `${signal}: took ${elapsed} ms`);
    } finally {
      if (own.child.exitCode === null) own.child.kill('SIGKILL');
    }
  }
});
