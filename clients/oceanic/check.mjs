#!/usr/bin/env node
// check.mjs: Oceanic.js (a maintained Discord library for Node.js), unmodified, against a running Derailed Gateway,
// in each compression mode it speaks: none and zlib-stream (node:zlib), zstd-stream (node:zlib's zstd, Node >= 24).
// For each mode its Client logs in (GET /api/v10/gateway/bot through its REST client, served by the gateway itself,
// so no stand-in is needed), reaches `ready` with the guild in its cache (channels, roles, its own member), receives
// MESSAGE_CREATEs published through the gateway's gRPC ingress as `messageCreate` Message objects, has its
// connection cut under it while more are published and resumes (op 6, never a new IDENTIFY) with every event once,
// then receives live events again. A warning or error it emits, or logs to the console, fails the check.
//
// The library connects through a TCP proxy here (clients/lib/checking.mjs) on the port the gateway advertises as
// its public URL, so its resume at READY's resume_gateway_url passes through the proxy too.
//
// usage: node check.mjs  (with DERAILED_CHECK_GATEWAY, DERAILED_CHECK_GRPC, DERAILED_CHECK_TOKEN, DERAILED_CHECK_GUILD,
//        DERAILED_GRPC_TOKEN set, as clients/run-matrix.sh does) [--modes none,zlib-stream] [--report FILE.xml]

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { Client, Intents } from 'oceanic.js';
import { waitFor, withTimeout, SniffingProxy, ingress } from '../lib/checking.mjs';

const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const env = process.env;
const opts = {
  gateway: env.DERAILED_CHECK_GATEWAY,
  grpc: env.DERAILED_CHECK_GRPC,
  grpcToken: env.DERAILED_GRPC_TOKEN || null,
  token: env.DERAILED_CHECK_TOKEN,
  guild: env.DERAILED_CHECK_GUILD,
  report: arg('report') ?? null,
};
const version = JSON.parse(fs.readFileSync(new URL('./node_modules/oceanic.js/package.json', import.meta.url))).version;
const supported = ['none', 'zlib-stream', ...('createZstdDecompress' in zlib ? ['zstd-stream'] : [])];
const modes = (arg('modes') ?? supported.join(',')).split(',').filter(Boolean);

// ---------------------------------------------------------------- results

const results = [];
let label = '';
function check(name, ok, detail = '') {
  results.push({ ok, name: `${label} ${name}`.trim(), detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  [${label}] ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}
function writeReport(file, seconds) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const cases = results.map((r) => `  <testcase classname="clients.oceanic" name="${esc(r.name)}" time="0">`
    + `${r.ok ? '' : `<failure message="${esc(r.detail)}"/>`}</testcase>`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="clients.oceanic" tests="${results.length}" `
    + `failures="${results.filter((r) => !r.ok).length}" errors="0" skipped="0" time="${seconds.toFixed(1)}">\n`
    + `${cases.join('\n')}\n</testsuite>\n`);
}

// ---------------------------------------------------------------- one mode

const INTENTS = Intents.GUILDS | Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.GUILD_MESSAGES
  | Intents.MESSAGE_CONTENT;

async function runMode(mode, proxy, publisher, runId) {
  label = `Oceanic.js ${version} ${mode}`;
  const started = Date.now();
  const firstConn = proxy.connections.length;
  const seen = { ready: 0, sessions: 0, resumes: 0, messages: [], complaints: [] };
  const originalWarn = console.warn;
  const originalError = console.error;
  console.warn = (...m) => { seen.complaints.push(`console.warn: ${m.join(' ')}`); originalWarn(...m); };
  console.error = (...m) => { seen.complaints.push(`console.error: ${m.join(' ')}`); originalError(...m); };
  const client = new Client({
    auth: `Bot ${opts.token}`,
    rest: { baseURL: `${opts.gateway}/api/v10` },
    gateway: { intents: INTENTS, compress: mode === 'none' ? false : mode, autoReconnect: true },
  });
  client.on('ready', () => { seen.ready++; });
  // shardPreReady: a READY (a new session); shardReady also follows a RESUMED
  client.on('shardPreReady', () => { seen.sessions++; });
  client.on('shardResume', () => { seen.resumes++; });
  client.on('messageCreate', (message) => { seen.messages.push(message.content); });
  client.on('warn', (m) => { seen.complaints.push(`warn: ${m}`); });
  client.on('error', (e) => { seen.complaints.push(`error: ${e?.stack ?? e}`); });
  if (env.DERAILED_CHECK_VERBOSE === '1') client.on('debug', (m) => console.log(`    debug: ${m}`));
  const once = (content) => seen.messages.filter((c) => c === content).length;
  const publish = async (n, phase, channelId) => {
    const sent = [];
    for (let i = 1; i <= n; i++) {
      const content = `derailed check ${runId} ${mode} ${phase} #${i}`;
      sent.push(content);
      await publisher.publish(opts.guild, 'MESSAGE_CREATE', message(channelId, client.user.id, client.user.username, content));
    }
    return sent;
  };
  try {
    const ready = new Promise((resolve) => client.once('ready', resolve));
    await withTimeout(client.connect(), 20_000, 'Client.connect()');
    await withTimeout(ready, 20_000, '`ready`');
    const conns = proxy.connections.slice(firstConn);
    const request = conns[0]?.request ?? 'no connection through the proxy';
    const asks = (req) => (mode === 'none' ? !/compress=/.test(req ?? '') : (req ?? '').includes(`compress=${mode}`));
    check('login -> ready', seen.sessions === 1 && conns[0]?.sent.some((m) => m.op === 2) && asks(request),
      `after ${Date.now() - started} ms as ${client.user?.username} (${client.user?.id}); ${request}`);
    const guild = client.guilds.get(opts.guild);
    const text = guild?.channels.filter((c) => c.type === 0) ?? [];
    check('guild cached from GUILD_CREATE', Boolean(guild && text.length && guild.roles.get(guild.id)
      && guild.members.get(client.user.id)),
      guild ? `${guild.name}: ${guild.channels.size} channels (${text.length} text), ${guild.roles.size} roles `
        + `(@everyone ${guild.roles.get(guild.id) ? 'present' : 'missing'}), own member `
        + `${guild.members.get(client.user.id) ? 'present' : 'missing'}, ${guild.members.size} members`
        : `guild ${opts.guild} not in the cache`);
    if (!guild || !text.length) return;
    const channel = text[0].id;

    const live = await publish(3, 'live', channel);
    await waitFor(() => live.every((c) => once(c) >= 1), 10_000, 'the live messages').catch(() => {});
    check('published MESSAGE_CREATEs arrive as messageCreate', live.every((c) => once(c) === 1),
      `copies ${live.map(once).join('')}`);
    const frames = conns[0]?.received;
    check(`frames are ${mode === 'none' ? 'text' : `${mode} (binary)`}`, mode === 'none'
      ? frames.binary === 0 && frames.text > 0 : frames.text === 0 && frames.binary > 0,
    `${frames.text} text, ${frames.binary} binary frames`);

    const cutAt = proxy.connections.length;
    const resumesBefore = seen.resumes;
    proxy.cut();
    const away = await publish(3, 'away', channel);
    const resumed = await waitFor(() => seen.resumes > resumesBefore, 20_000, 'shardResume').then(() => true, () => false);
    await waitFor(() => away.every((c) => once(c) >= 1), 10_000, 'the messages published while away').catch(() => {});
    const after = proxy.connections.slice(cutAt);
    const op6 = after.some((c) => c.sent.some((m) => m.op === 6));
    const identified = after.some((c) => c.sent.some((m) => m.op === 2));
    check('resumes after its connection is cut', resumed && op6 && !identified && seen.sessions === 1
      && after.every((c) => asks(c.request)),
    `${resumed ? 'shardResume' : 'no shardResume'}; ops after the cut: ${after.map((c) => `[${c.sent.map((m) => m.op)}]`).join(' ')}`
      + `${after.length ? ` on ${after[after.length - 1].request}` : ''}; READY ${seen.sessions}x`);
    check('events published while away arrive exactly once', away.every((c) => once(c) === 1), `copies ${away.map(once).join('')}`);

    const tail = await publish(2, 'after', channel);
    await waitFor(() => tail.every((c) => once(c) >= 1), 10_000, 'the live messages after the resume').catch(() => {});
    check('live events after the resume', tail.every((c) => once(c) === 1), `copies ${tail.map(once).join('')}`);
    const all = [...live, ...away, ...tail];
    const order = seen.messages.filter((c) => all.includes(c));
    check('every event once, in publish order', order.length === all.length && order.every((c, i) => c === all[i]),
      `${order.length} of ${all.length} in order`);
    const problems = proxy.connections.slice(firstConn).flatMap((c) => c.problems);
    check('frames well-formed both ways', problems.length === 0, problems.join('; ') || `${proxy.connections.length - firstConn} connections`);
  } catch (error) {
    check('run', false, error?.stack ?? String(error));
  } finally {
    try {
      client.disconnect(false);
    } catch (error) {
      seen.complaints.push(`disconnect: ${error}`);
    }
    console.warn = originalWarn;
    console.error = originalError;
    check('the library logged no complaint', seen.complaints.length === 0, seen.complaints.join(' | ') || 'no warning or error');
    console.log(`      [${label}] took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** A whole message object, as Discord sends it: a library reads every field it always has. */
function message(channelId, authorId, username, content) {
  const now = new Date().toISOString();
  const id = `${(BigInt(Date.now() - 1420070400000) << 22n) | BigInt(Math.floor(Math.random() * 4096))}`;
  return {
    id, channel_id: channelId, guild_id: opts.guild,
    author: { id: authorId, username, discriminator: '0', global_name: null, avatar: null, public_flags: 0 },
    member: { roles: [], joined_at: now, deaf: false, mute: false, flags: 0 },
    content, nonce: id, timestamp: now, edited_timestamp: null, tts: false, mention_everyone: false, mentions: [],
    mention_roles: [], attachments: [], embeds: [], components: [], pinned: false, type: 0, flags: 0,
  };
}

// ---------------------------------------------------------------- main

async function main() {
  for (const name of ['gateway', 'grpc', 'token', 'guild']) {
    if (!opts[name]) { console.error(`check.mjs: DERAILED_CHECK_${name.toUpperCase()} is not set (run-matrix.sh sets it)`); return 2; }
  }
  const begun = Date.now();
  console.log(`Oceanic.js check: oceanic.js ${version} on Node ${process.version}, modes ${modes.join(', ')}`);
  const advertised = new URL((await (await fetch(`${opts.gateway}/api/v10/gateway`)).json()).url);
  const target = new URL(opts.gateway);
  const proxy = new SniffingProxy(target.hostname, Number(target.port), env.DERAILED_CHECK_VERBOSE === '1');
  await proxy.listen(Number(advertised.port));
  const publisher = ingress(grpc, protoLoader, opts.grpc, opts.grpcToken);
  const runId = Date.now().toString(36);
  try {
    for (const mode of modes) {
      if (!supported.includes(mode)) {
        label = `Oceanic.js ${version} ${mode}`;
        check('supported', false, `${mode} needs Node >= 24 (node:zlib zstd); this is ${process.version}`);
        continue;
      }
      await runMode(mode, proxy, publisher, runId);
    }
  } finally {
    publisher.close();
    await proxy.close();
  }
  const seconds = (Date.now() - begun) / 1000;
  const failed = results.filter((r) => !r.ok).length;
  if (opts.report) writeReport(opts.report, seconds);
  console.log(`Oceanic.js check (${version}, Node ${process.version}, ${seconds.toFixed(1)} s): `
    + `${results.length - failed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}

const watchdog = setTimeout(() => {
  check('watchdog', false, 'the whole check took longer than 150 s');
  if (opts.report) writeReport(opts.report, 150);
  process.exit(1);
}, 150_000);

main().then((status) => { clearTimeout(watchdog); process.exit(status); },
  (error) => { console.error(error); process.exit(1); });
