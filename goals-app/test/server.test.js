// Tests for server.js: start the real server as a child process and talk HTTP to it.
// Run with `npm test` (node --test). Works on Node 18 and later.

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
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

// Start server.js (or other node arguments that load it) and resolve once it prints its
// startup line (5 s at most). output() is everything it has printed so far.
async function startServer(nodeArgs = [SERVER]) {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
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
  // onData stays attached: it keeps draining the pipes, so logging never blocks the server.
  return { child, base: `http://127.0.0.1:${port}`, output: () => output };
}

// Resolve once the server has printed `text` (2 s at most).
async function printed(server, text) {
  const deadline = Date.now() + 2000;
  while (!server.output().includes(text)) {
    if (Date.now() > deadline) assert.fail(`server never printed ${JSON.stringify(text)}:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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

test('a 201-character goal gets 400 saying so; 200 characters are accepted', async () => {
  await setGoal('Keep me');
  const res = await postGoal({ goal: 'a'.repeat(201) });
  assert.strictEqual(res.status, 400);
  assert.match(await res.text(), /Your goal has 201 characters; the limit is 200 characters\./);
  assert.match(await homePage(), /<h3>Keep me<\/h3>/);

  await setGoal('b'.repeat(200));
  assert.ok((await homePage()).includes(`<h3>${'b'.repeat(200)}</h3>`));
});

test('characters are counted as Unicode characters, not as UTF-16 units', async () => {
  // Each of these is one character, but '🎉' and '𝄞' take 2 UTF-16 units
  // (what JavaScript's .length and the browser's maxlength count).
  for (const character of ['목', 'é', '🎉', '𝄞']) {
    await setGoal(character.repeat(200));
    assert.ok((await homePage()).includes(`<h3>${character.repeat(200)}</h3>`), `200 × ${character}`);

    const res = await postGoal({ goal: character.repeat(201) });
    assert.strictEqual(res.status, 400, `201 × ${character}`);
    assert.match(await res.text(), /Your goal has 201 characters/);
  }
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

test('every answer has the security headers, error pages too', async () => {
  const answers = {
    'GET /': await fetch(`${server.base}/`),
    'GET /styles.css': await fetch(`${server.base}/styles.css`),
    'an empty goal (400)': await postGoal({ goal: '' }),
    'a body over 10 KB (413)': await postGoal('goal=' + 'x'.repeat(11 * 1024)),
    'an unknown address (404)': await fetch(`${server.base}/no-such-page`),
  };
  for (const [what, res] of Object.entries(answers)) {
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, what);
    assert.match(csp, /frame-ancestors 'none'/, what);
    assert.strictEqual(res.headers.get('x-content-type-options'), 'nosniff', what);
    await res.arrayBuffer();
  }
  const notFound = await fetch(`${server.base}/no-such-page`);
  assert.strictEqual(notFound.status, 404);
  assert.match(await notFound.text(), /There is no page at this address\./);
});

test('control characters in a goal are escaped in the log, so it cannot forge lines', async () => {
  await setGoal('Line one\nStored goal: FORGED \u001b[31mred');
  await printed(server, 'Stored goal: Line one\\u000aStored goal: FORGED \\u001b[31mred\n');
  const lines = server.output().split('\n');
  assert.ok(!lines.some((line) => line.startsWith('Stored goal: FORGED')), 'a forged log line');
  assert.ok(!server.output().includes('\u001b'), 'a raw ESC in the log');
});

test('requests are given 30 s to arrive in full (server.requestTimeout)', async () => {
  // Load server.js through a wrapper that prints the setting once the server listens.
  const own = await startServer([
    '-e',
    `const http = require('node:http');
     const listen = http.Server.prototype.listen;
     http.Server.prototype.listen = function (...args) {
       this.once('listening', () => console.log('requestTimeout=' + this.requestTimeout));
       return listen.apply(this, args);
     };
     require(${JSON.stringify(SERVER)});`,
  ]);
  try {
    assert.match(own.output(), /^requestTimeout=30000$/m);
  } finally {
    own.child.kill('SIGKILL');
  }
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

test('an upload in progress on SIGTERM is still answered, then the server exits', async () => {
  const own = await startServer();
  try {
    const body = new URLSearchParams({ goal: 'Finish me' }).toString();
    const req = http.request(`${own.base}/store-goal`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': body.length,
        // The server answers "100 Continue" once it has read the headers: then we know
        // the request is in progress before the signal arrives.
        Expect: '100-continue',
      },
    });
    const response = new Promise((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    req.flushHeaders();
    await new Promise((resolve) => req.once('continue', resolve));
    req.write(body.slice(0, 5)); // half of the body ...

    const started = Date.now();
    own.child.kill('SIGTERM');
    await printed(own, 'SIGTERM received, shutting down');
    req.end(body.slice(5)); // ... and the rest after the signal

    const res = await response;
    res.resume();
    assert.strictEqual(res.statusCode, 302);
    assert.strictEqual(res.headers.connection, 'close');
    assert.strictEqual(await exited(own.child), 0);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 4000, `took ${elapsed} ms: it waited for the 5 s safety net`);
    assert.match(own.output(), /Stored goal: Finish me/);
  } finally {
    if (own.child.exitCode === null) own.child.kill('SIGKILL');
  }
});
