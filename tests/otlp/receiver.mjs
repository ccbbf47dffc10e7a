// SPDX-License-Identifier: Apache-2.0
// Test-only OTLP/HTTP JSON receiver. It checks every request against the
// official opentelemetry-proto schema (the protobufjs module generated from
// the .proto files, shipped in @opentelemetry/otlp-transformer), then writes
// one JSON line per request to --out: {"path", "request"} with the decoded
// message, or {"path", "error"} when the body does not conform.
//
// Usage: node receiver.mjs --out FILE [--port 0] [--max-seconds 120]
// Prints "listening <port>" once ready. Stops on SIGTERM or after --max-seconds.
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');
const proto = root.opentelemetry.proto;
const messages = {
  '/v1/traces': proto.collector.trace.v1.ExportTraceServiceRequest,
  '/v1/metrics': proto.collector.metrics.v1.ExportMetricsServiceRequest,
};

function parseArgs(argv) {
  const args = { port: 0, out: '', maxSeconds: 120 };
  for (let i = 2; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--port') args.port = Number(value);
    else if (key === '--out') args.out = value;
    else if (key === '--max-seconds') args.maxSeconds = Number(value);
    else throw new Error(`unknown argument ${key}`);
  }
  if (!args.out) throw new Error('--out FILE is required');
  return args;
}

// OTLP/JSON differs from plain proto3 JSON in one place: trace and span ids
// are hex, not base64. Turn them into bytes before protobufjs sees them.
const idLengths = { traceId: 16, spanId: 8, parentSpanId: 8 };

function idsToBytes(value, where) {
  if (Array.isArray(value)) return value.map((v, i) => idsToBytes(v, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (key in idLengths) {
      const bytes = idLengths[key];
      const ok = typeof v === 'string' && new RegExp(`^([0-9a-f]{${bytes * 2}})?$`).test(v);
      if (!ok || (v === '' && key !== 'parentSpanId')) {
        throw new Error(`${where}.${key}: expected ${bytes * 2} lowercase hex digits, got ${JSON.stringify(v)}`);
      }
      out[key] = Buffer.from(v, 'hex');
    } else {
      out[key] = idsToBytes(v, `${where}.${key}`);
    }
  }
  return out;
}

function idsToHex(value) {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key in idLengths ? Buffer.from(v, 'base64').toString('hex') : idsToHex(v);
  }
  return out;
}

function isDefault(v) {
  if (v === null || v === undefined || v === false || v === 0 || v === '' || v === '0') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

// Every field the sender wrote must survive a protobuf round trip unchanged:
// a misspelled key, a wrong type, or an enum sent as a name shows up here.
function compare(sent, back, where) {
  if (Array.isArray(sent)) {
    if (!Array.isArray(back) || back.length !== sent.length) throw new Error(`${where}: array changed in decoding`);
    sent.forEach((v, i) => compare(v, back[i], `${where}[${i}]`));
    return;
  }
  if (sent !== null && typeof sent === 'object') {
    for (const [key, v] of Object.entries(sent)) {
      if (!(key in (back ?? {}))) {
        if (isDefault(v)) continue;
        throw new Error(`${where}.${key}: not a field of the OTLP message (or wrong type)`);
      }
      compare(v, back[key], `${where}.${key}`);
    }
    return;
  }
  const same = String(sent) === String(back) || Number(sent) === Number(back);
  if (!same) throw new Error(`${where}: sent ${JSON.stringify(sent)}, decodes as ${JSON.stringify(back)}`);
}

function validate(path, body) {
  const Type = messages[path];
  if (!Type) throw new Error(`unknown OTLP path ${path}`);
  const sent = JSON.parse(body);
  const message = Type.fromObject(idsToBytes(sent, '$'));
  const problem = Type.verify(message);
  if (problem) throw new Error(problem);
  const decoded = Type.decode(Type.encode(message).finish());
  const back = idsToHex(Type.toObject(decoded, { longs: String, enums: Number, bytes: String }));
  compare(sent, back, '$');
  return back;
}

const args = parseArgs(process.argv);
const out = fs.openSync(args.out, 'a');
const record = (entry) => fs.writeSync(out, `${JSON.stringify(entry)}\n`);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = req.url;
    const reply = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (req.method !== 'POST') return reply(405, { message: 'POST only' });
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== 'application/json') {
      record({ path, error: `content-type ${type}, expected application/json` });
      return reply(415, { message: 'expected application/json' });
    }
    try {
      record({ path, request: validate(path, Buffer.concat(chunks).toString('utf8')) });
      reply(200, {});
    } catch (e) {
      record({ path, error: String(e.message ?? e) });
      reply(400, { message: String(e.message ?? e) });
    }
  });
});

server.listen(args.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(() => process.exit(0), args.maxSeconds * 1000).unref();
