// Lecture 37's practice app: a tiny web server that counts its visits.
// It uses Node.js's built-in http module only, so there is nothing to `npm install`.
// 37강 실습 앱: 방문 수를 세는 작은 웹 서버입니다. Node.js에 들어 있는 http 모듈만 쓰므로
// `npm install`할 것이 없습니다.
const http = require('http');

const port = Number(process.env.PORT || 3000);
let visits = 0; // kept in memory: a new process starts counting from 0 again

const server = http.createServer((req, res) => {
  if (req.url !== '/') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found\n');
    return;
  }
  visits += 1;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`Hello from the practice app! Visits so far: ${visits}\n`);
});

server.listen(port, () => {
  console.log(`Practice app listening on port ${server.address().port}`);
});

// In a container node runs as PID 1, which ignores SIGTERM unless it is handled:
// without this, `docker stop` would wait 10 seconds and then kill the app.
function shutdown(signal) {
  console.log(`${signal} received, shutting down`);
  server.close(() => process.exit(0));
  if (server.closeIdleConnections) server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
