// Starts a server under test on a free loopback port and resolves with { server, port, stderr() }
// once it says where it listens. `listening` matches that line; its first group is the port.
import { spawn } from 'node:child_process';

export function startServer(path, args, listening = /listening on (?:http:\/\/[^:]+:)?(\d+)/) {
  const server = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  server.stderr.on('data', (d) => (text += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path} did not start listening: ${text}`)), 10000);
    server.on('exit', (code) => reject(new Error(`${path} exited (${code}) before listening: ${text}`)));
    const look = () => {
      const m = text.match(listening);
      if (!m) return;
      clearTimeout(timer);
      server.stderr.off('data', look);
      resolve({ server, port: Number(m[1]), stderr: () => text });
    };
    server.stderr.on('data', look);
  });
}
