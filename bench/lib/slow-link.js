/**
 * A slow link on loopback (issue 13): a TCP proxy in front of a database server that delays every
 * byte by half the round trip in each direction and caps each direction's bandwidth, and counts
 * the bytes that cross it. Started by the tests and the benchmark themselves; nothing leaves this
 * machine. Default profile: 20 ms round trip, 100 Mbit/s — a CI runner and a database in a
 * nearby cloud region.
 *
 *   const link = await startSlowLink({ host: '127.0.0.1', port: 3306 });
 *   // mysql://root@127.0.0.1:${link.port}/db … link.bytes.fromServer … await link.close();
 *
 * Each direction of each connection is a queue: a chunk leaves when the link has sent everything
 * before it — the link's bandwidth is shared by all connections, as on a real network — and
 * arrives half a round trip later. The sending socket is paused while more than
 * HIGH_WATER bytes wait, so a large result streams at the link's pace instead of piling up here.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

/** One direction of the link: when it is free to send the next byte, shared by every connection. */
class Wire {
  constructor(bytesPerMs) {
    this.bytesPerMs = bytesPerMs;
    this.nextFree = 0;
  }

  /** When a chunk of `length` bytes handed over now has been sent. */
  send(length) {
    const start = Math.max(performance.now(), this.nextFree);
    this.nextFree = start + length / this.bytesPerMs;
    return this.nextFree;
  }
}

class Direction {
  constructor(source, sink, delayMs, wire, count) {
    this.source = source;
    this.sink = sink;
    this.delayMs = delayMs;
    this.wire = wire;
    this.count = count;
    this.queue = [];
    this.queued = 0;
    this.timer = undefined;
    this.paused = false;
    this.ended = false;
    source.on('data', (chunk) => this.push(chunk));
    source.on('end', () => {
      this.ended = true;
      this.flush();
    });
  }

  push(chunk) {
    this.count(chunk.length);
    this.queue.push({ chunk, at: this.wire.send(chunk.length) + this.delayMs });
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.source.pause();
    }
    this.schedule();
  }

  schedule() {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  flush() {
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].at <= now + 0.5) {
      const { chunk } = this.queue.shift();
      this.queued -= chunk.length;
      if (!this.sink.destroyed) this.sink.write(chunk);
    }
    if (this.paused && this.queued < LOW_WATER) {
      this.paused = false;
      this.source.resume();
    }
    if (this.queue.length > 0) this.schedule();
    else if (this.ended && !this.sink.destroyed) this.sink.end();
  }
}

/**
 * @param {{ host?: string, port: number, rttMs?: number, mbitPerSecond?: number }} target
 */
export async function startSlowLink({ host = '127.0.0.1', port, rttMs = 20, mbitPerSecond = 100 }) {
  const bytes = { toServer: 0, fromServer: 0 };
  const sockets = new Set();
  const bytesPerMs = (mbitPerSecond * 1_000_000) / 8 / 1000;
  const up = new Wire(bytesPerMs);
  const down = new Wire(bytesPerMs);
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    new Direction(client, upstream, rttMs / 2, up, (length) => (bytes.toServer += length));
    new Direction(upstream, client, rttMs / 2, down, (length) => (bytes.fromServer += length));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
    rttMs,
    mbitPerSecond,
    bytes,
    /** Bytes in each direction since the last reset (or the start). */
    reset() {
      bytes.toServer = 0;
      bytes.fromServer = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
