// The local HTTPS server of tests/e2e/secrets_test.cpp: HTTP/1.1 and HTTP/2 on one port,
// answering with secrets of its own (DIR/server.json from secrets.py): in response headers,
// in a JSON body, and in an Anthropic-style SSE stream whose text deltas cut every secret in
// two. Prints "listening PORT" once ready.
//   node server.mjs DIR KEY.pem CERT.pem
import fs from 'node:fs';
import http2 from 'node:http2';

const [dir, keyFile, certFile] = process.argv.slice(2);
const answer = JSON.parse(fs.readFileSync(`${dir}/server.json`, 'utf8'));

function sse(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', {
    message: { id: 'msg_secrets', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
               content: [], usage: { input_tokens: 12, output_tokens: 1 } },
  });
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  for (const text of answer.deltas)
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  event('content_block_stop', { index: 0 });
  event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 99 } });
  event('message_stop', {});
  res.end();
}

const server = http2.createSecureServer(
  { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), allowHTTP1: true },
  (req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url.startsWith('/v1/messages')) return sse(res);
      for (const [k, v] of answer.headers) res.setHeader(k, v);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer.body));
    });
  });
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
