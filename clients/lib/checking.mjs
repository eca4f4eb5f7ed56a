// checking.mjs: what the JavaScript library checks share (clients/discordjs, clients/oceanic): waiting, a TCP proxy
// that reads WebSocket frames both ways and can cut or half-close the connection under the library, and the
// gateway's gRPC ingress for publishing events. Only node: modules here; gRPC comes from the caller.

import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------- small helpers

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- a TCP proxy that reads WebSocket frames

/** Reads one direction of a WebSocket connection: the HTTP head, then frames (masked from the client). */
export class FrameReader {
  constructor(onHead, onMessage, onControl) {
    this.buffer = Buffer.alloc(0);
    this.head = null;
    this.fragments = null;
    this.fragmentOpcode = 0;
    this.onHead = onHead;
    this.onMessage = onMessage;
    this.onControl = onControl;
    this.broken = false;
  }

  push(chunk) {
    if (this.broken) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    try {
      if (this.head === null) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        this.head = this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(end + 4);
        this.onHead(this.head);
      }
      for (;;) {
        const frame = this.nextFrame();
        if (!frame) return;
        this.frame(frame);
      }
    } catch (error) {
      this.broken = true;
      this.onControl({ type: 'unreadable', error: String(error) });
    }
  }

  nextFrame() {
    const b = this.buffer;
    if (b.length < 2) return null;
    const fin = (b[0] & 0x80) !== 0;
    const rsv = b[0] & 0x70;
    const opcode = b[0] & 0x0f;
    const masked = (b[1] & 0x80) !== 0;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2); offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      length = Number(b.readBigUInt64BE(2)); offset = 10;
    }
    const maskOffset = offset;
    if (masked) offset += 4;
    if (b.length < offset + length) return null;
    const payload = Buffer.from(b.subarray(offset, offset + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= b[maskOffset + (i & 3)];
    this.buffer = b.subarray(offset + length);
    return { fin, rsv, opcode, masked, payload };
  }

  frame({ fin, rsv, opcode, masked, payload }) {
    if (opcode >= 8) {
      const code = opcode === 8 && payload.length >= 2 ? payload.readUInt16BE(0) : null;
      const reason = opcode === 8 && payload.length > 2 ? payload.subarray(2).toString('utf8') : '';
      this.onControl({ type: opcode === 8 ? 'close' : opcode === 9 ? 'ping' : 'pong', code, reason, masked });
      return;
    }
    if (opcode !== 0) { this.fragments = []; this.fragmentOpcode = opcode; this.rsv = rsv; this.masked = masked; }
    if (this.fragments === null) throw new Error('continuation frame without a start');
    this.fragments.push(payload);
    if (fin) {
      const data = Buffer.concat(this.fragments);
      this.fragments = null;
      this.onMessage({ binary: this.fragmentOpcode === 2, rsv: this.rsv, masked: this.masked, data });
    }
  }
}

export class SniffingProxy {
  constructor(targetHost, targetPort, verbose) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.verbose = verbose;
    this.connections = [];
    this.server = net.createServer((client) => this.accept(client));
  }

  listen(port) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  accept(client) {
    const conn = {
      id: this.connections.length + 1,
      client,
      upstream: net.connect(this.targetPort, this.targetHost),
      request: null,
      response: null,
      sent: [], // client -> server messages, parsed JSON
      received: { text: 0, binary: 0, binaryBytes: 0, rsv: 0, unmasked: true, frames: [] },
      serverClose: null,
      clientClose: null,
      blackholed: false,
      open: true,
      problems: [],
    };
    this.connections.push(conn);
    const log = (...m) => { if (this.verbose) console.log(`    proxy#${conn.id}`, ...m); };
    const c2s = new FrameReader(
      (head) => { conn.request = head.split('\r\n')[0]; log('->', conn.request); },
      (msg) => {
        if (!msg.masked) conn.problems.push('an unmasked client frame');
        let json = null;
        try { json = JSON.parse(msg.data.toString('utf8')); } catch { conn.problems.push('a client frame that is not JSON'); }
        if (json) { conn.sent.push({ at: Date.now(), ...json }); log('->', `op ${json.op}`); }
      },
      (control) => {
        if (control.type === 'close') { conn.clientClose = control; log('-> close', control.code); }
        if (control.type === 'unreadable') conn.problems.push(`client stream unreadable: ${control.error}`);
      });
    const s2c = new FrameReader(
      (head) => { conn.response = head.split('\r\n')[0]; log('<-', conn.response); },
      (msg) => {
        if (msg.masked) conn.received.unmasked = false;
        if (msg.rsv) conn.received.rsv++;
        if (msg.binary) { conn.received.binary++; conn.received.binaryBytes += msg.data.length; } else conn.received.text++;
        let json = null;
        if (!msg.binary) { try { json = JSON.parse(msg.data.toString('utf8')); } catch { /* counted below */ } }
        conn.received.frames.push({ at: Date.now(), binary: msg.binary, op: json?.op, t: json?.t, s: json?.s });
      },
      (control) => {
        if (control.type === 'close') { conn.serverClose = control; log('<- close', control.code, control.reason); }
        if (control.type === 'unreadable') conn.problems.push(`server stream unreadable: ${control.error}`);
      });
    client.on('data', (chunk) => {
      c2s.push(chunk);
      if (!conn.blackholed) conn.upstream.write(chunk);
    });
    conn.upstream.on('data', (chunk) => { s2c.push(chunk); client.write(chunk); });
    const end = () => {
      if (!conn.open) return;
      conn.open = false;
      conn.closedAt = Date.now();
      client.destroy();
      conn.upstream.destroy();
    };
    // A blackholed connection passes nothing from the client, its end included: the server finds out by itself.
    client.on('close', () => { if (!conn.blackholed) end(); });
    client.on('error', () => {});
    conn.upstream.on('close', end);
    conn.upstream.on('error', () => {});
  }

  /** Drops every open connection at once, both ways: both ends see the TCP connection end, no close frame. */
  cut() {
    for (const conn of this.connections) {
      if (!conn.open) continue;
      conn.cut = true;
      conn.open = false;
      conn.closedAt = Date.now();
      conn.client.destroy();
      conn.upstream.destroy();
    }
  }

  /** From now on nothing the client sends reaches the server (heartbeats included); the server's frames still flow. */
  blackhole(conn) {
    conn.blackholed = true;
  }

  latest() {
    return this.connections[this.connections.length - 1];
  }

  close() {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------- the gateway's gRPC ingress

/**
 * The gateway's gRPC Guild service, from the repository's gateway.proto. {@code grpc} and {@code protoLoader} are the
 * caller's @grpc/grpc-js and @grpc/proto-loader (this file has no node_modules of its own).
 */
export function ingress(grpc, protoLoader, address, secret) {
  const protoPath = path.join(repoRoot, 'grpc', 'src', 'main', 'proto', 'derailed', 'grpc', 'gateway.proto');
  const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, defaults: true });
  const proto = grpc.loadPackageDefinition(definition).derailed.grpc;
  const client = new proto.Guild(address, grpc.credentials.createInsecure());
  const metadata = () => {
    const m = new grpc.Metadata();
    if (secret) m.set('authorization', `Bearer ${secret}`);
    return m;
  };
  return {
    publish(guildId, event, data) {
      return new Promise((resolve, reject) => {
        client.publish({ guild_id: guildId, message: { event, data: JSON.stringify(data) } }, metadata(),
          { deadline: Date.now() + 10_000 }, (error, reply) => (error ? reject(error) : resolve(reply)));
      });
    },
    close() { client.close(); },
  };
}
