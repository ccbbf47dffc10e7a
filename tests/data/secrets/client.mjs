// HTTP/2 client of tests/e2e/secrets_test.cpp: sends DIR/requests.json on one connection, so
// later header blocks index the HPACK dynamic table filled by earlier ones.
//   node client.mjs DIR
import fs from 'node:fs';
import http2 from 'node:http2';

const dir = process.argv[2];
const spec = JSON.parse(fs.readFileSync(`${dir}/requests.json`, 'utf8'));
const session = http2.connect(spec.base, { rejectUnauthorized: false });
for (const r of spec.requests) {
  await new Promise((resolve, reject) => {
    const headers = { ':method': r.method, ':path': r.path };
    for (const [k, v] of r.headers) headers[k] = v;
    const req = session.request(headers, { endStream: !r.body });
    req.on('response', () => {});
    req.on('data', () => {});
    req.on('end', resolve);
    req.on('error', reject);
    if (r.body) req.end(r.body);
  });
}
session.close();
