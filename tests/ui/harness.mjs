// SPDX-License-Identifier: Apache-2.0
// Shared by the UI tests and the benchmark: start `agentsight serve TRACE`,
// read the URL it prints, and launch the system chromium with a fresh profile.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = process.env.AGENTSIGHT_UI_ARTIFACTS || path.join(repoRoot, 'build/ui-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function agentsightBinary() {
  const bin = process.env.AGENTSIGHT_BIN || path.join(repoRoot, 'build/agentsight');
  if (!existsSync(bin)) throw new Error(`agentsight binary not found at ${bin} (build it, or set AGENTSIGHT_BIN)`);
  return bin;
}

// Runs `agentsight serve <trace> --port 0` and resolves once it prints
// "agentsight UI: http://127.0.0.1:PORT/?token=..." on stderr.
export function startServer(trace, { timeoutMs = 60000 } = {}) {
  const bin = agentsightBinary();
  const child = spawn(bin, ['serve', trace, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "agentsight UI:" line within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /agentsight UI: (http:\/\/\S+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      const url = new URL(m[1]);
      resolve({
        child,
        url: m[1],
        origin: url.origin,
        port: Number(url.port),
        token: url.searchParams.get('token'),
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
      });
    });
    child.stdout.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} serve exited with ${code} before printing its URL; stderr:\n${stderr}`));
    });
  });
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  // launch() gives every run a fresh temporary profile.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync'],
  });
}

export function artifact(name) {
  mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}

// One HTTP/1.1 request with exactly these bytes: fetch() and URL would
// normalize "..", "%2e%2e" and the Host header away.
export function rawRequest(port, target, headers = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.setEncoding('latin1');
    sock.on('connect', () => {
      const lines = [`GET ${target} HTTP/1.1`];
      const all = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
      for (const [k, v] of Object.entries(all)) lines.push(`${k}: ${v}`);
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => {
      const [head, ...body] = data.split('\r\n\r\n');
      const [status, ...hdrs] = head.split('\r\n');
      resolve({
        status: Number(status.split(' ')[1]),
        headers: Object.fromEntries(hdrs.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])),
        body: body.join('\r\n\r\n'),
      });
    });
    sock.on('error', reject);
    sock.setTimeout(10000, () => sock.destroy(new Error('timeout')));
  });
}
