// Goals app: a tiny Express server that remembers one course goal.
// The goal lives in memory only, so it resets whenever the container restarts.
// The "--8<--" comments mark the parts of this file that the course pages show.

// --8<-- [start:setup]
const path = require('path');
const express = require('express');
const bodyParser = require('body-parser');

const MAX_GOAL_LENGTH = 200;
const port = Number(process.env.PORT || 80);

let userGoal = 'Learn Docker!';

const app = express();
// --8<-- [end:setup]
app.disable('x-powered-by');

// Security headers on every answer: the page may load only files from this server and
// send its form only here, no other site may show it in a frame, and browsers must not
// guess a file's type.
app.use((req, res, next) => {
  res.set('Content-Security-Policy', "default-src 'self'; form-action 'self'; frame-ancestors 'none'");
  res.set('X-Content-Type-Options', 'nosniff');
  next();
});

// Read HTML form posts; refuse bodies over 10 KB (answered with 413 below).
app.use(bodyParser.urlencoded({ extended: false, limit: '10kb' }));

// Once shutdown has begun (the server no longer listens, see the end of this file), ask each
// browser to hang up after its answer. This runs after the body is read, so an upload that
// was still arriving when the signal came is asked too.
app.use((req, res, next) => {
  if (!server.listening) res.set('Connection', 'close');
  next();
});

// Serve public/ relative to this file, so it works from any working directory.
app.use(express.static(path.join(__dirname, 'public')));

// Turn user text into safe HTML text, so "<script>" is shown, not run.
function escapeHtml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// Show control characters (a newline, ESC, ...) as \u000a and so on, so a goal
// cannot start a fake log line or change the terminal's colours.
function escapeLog(text) {
  return text.replace(/\p{Cc}/gu, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// Wrap some body HTML in a complete page.
function page(body) {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>My Course Goal</title>
    <link rel="stylesheet" href="/styles.css">
  </head>
  <body>
    <main class="card">
${body}
    </main>
  </body>
</html>`;
}

// Answer with a short error page and the given status code.
function sendError(res, status, message) {
  res.status(status).type('html').send(page(`      <h2>Something went wrong</h2>
      <p class="error">${escapeHtml(message)}</p>
      <p><a href="/">Back to the goal</a></p>`));
}

// --8<-- [start:routes]
app.get('/', (req, res) => {
  res.send(page(`      <h2>My Course Goal</h2>
      <h3>${escapeHtml(userGoal)}</h3>
      <form method="POST" action="/store-goal">
        <label for="goal">Course Goal</label>
        <input type="text" id="goal" name="goal" maxlength="${MAX_GOAL_LENGTH}" required>
        <button type="submit">Set Course Goal</button>
      </form>`));
});

app.post('/store-goal', (req, res) => {
  const raw = req.body && req.body.goal;
  // A repeated field arrives as an array: treat anything but a string as missing.
  const goal = typeof raw === 'string' ? raw.trim() : '';

  if (!goal) {
    return sendError(res, 400, 'Please enter a goal.');
  }
  // Count characters, not UTF-16 units: "🎉" is one character, though .length says 2.
  const length = [...goal].length;
  if (length > MAX_GOAL_LENGTH) {
    return sendError(res, 400, `Your goal has ${length} characters; the limit is ${MAX_GOAL_LENGTH} characters.`);
  }

  userGoal = goal;
  console.log(`Stored goal: ${escapeLog(goal)}`);
  res.redirect('/');
});
// --8<-- [end:routes]

// Any other address gets the app's own 404 page, with the headers above.
app.use((req, res) => sendError(res, 404, 'There is no page at this address.'));

// Error handler (four arguments): clear messages, never a stack trace.
app.use((err, req, res, next) => {
  if (err.type === 'entity.too.large') {
    return sendError(res, 413, 'The request is too large (limit: 10 KB).');
  }
  if (err.status >= 400 && err.status < 500) {
    return sendError(res, err.status, 'The request could not be read.');
  }
  console.error(err);
  sendError(res, 500, 'Sorry, something went wrong on our side.');
});

// --8<-- [start:listen]
const server = app.listen(port, () => {
  console.log(`Goals app listening on port ${server.address().port}`);
});
// --8<-- [end:listen]

// A request that has not fully arrived after 30 s gets 408 (Node checks every 30 s; its
// default limit is 5 minutes), so a stalled upload cannot hold a connection for long.
server.requestTimeout = 30 * 1000;

// A port already in use (for example) is reported in one line, not a stack trace.
server.on('error', (err) => {
  console.error(`Could not start the server: ${err.message}`);
  process.exit(1);
});

// In a container node runs as PID 1, which ignores SIGTERM unless we handle it:
// without this, "docker stop" waits 10 seconds and then kills the app.
function shutdown(signal) {
  console.log(`${signal} received, shutting down`);
  // Stop taking new connections, and exit once every request in progress is answered.
  server.close(() => process.exit(0));
  // Close the keep-alive connections that sit idle (Node 18.2+), or close() would wait for them.
  if (server.closeIdleConnections) server.closeIdleConnections();
  // Safety net: exit anyway after 5 s, well before docker stop's 10 s; unref() so this
  // timer alone keeps nothing alive.
  setTimeout(() => process.exit(0), 5000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
