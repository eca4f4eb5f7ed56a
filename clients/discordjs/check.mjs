#!/usr/bin/env node
// check.mjs: shows that @discordjs/ws, a Discord gateway library nobody here wrote, works unmodified against a
// running Derailed Gateway. For each compression mode it creates the library's WebSocketManager, lets it identify,
// waits for READY and the guild's GUILD_CREATE, keeps it connected across several heartbeat intervals, publishes
// events through the gateway's gRPC ingress and sees them arrive, then cuts the connection underneath the library
// twice (a dropped TCP connection, then a half-open "zombie" socket) and checks that the library RESUMEs (op 6 with
// its session id and last seq, never a new IDENTIFY) and that every event arrives exactly once, in order, with `s`
// rising by exactly 1 across the whole session.
//
// The library talks to the gateway through a small TCP proxy in this script, which can cut or half-close the
// connection and reads the WebSocket frames on the way (the client's frames, and the server's frame types and close
// codes) so the check sees what the library sent. The gateway must advertise the proxy as its public URL
// (DERAILED_PUBLIC_URL=ws://127.0.0.1:PROXY_PORT): the library resumes at READY's resume_gateway_url, and the
// resumed connection must pass through the proxy too. run-check.sh sets all of this up.
//
// usage: node check.mjs --gateway http://127.0.0.1:WS_PORT --grpc 127.0.0.1:GRPC_PORT --token TOKEN --guild ID
//                       [--modes none,zlib-stream,zstd-stream] [--lib-dir DIR] [--report FILE.xml] [--verbose]
//                       [--discordjs-client 1]
// --discordjs-client 1 also runs discord.js's Client (the full library: caches built from READY and GUILD_CREATE,
// message events) through login, ready, a published message and destroy.
// Each option may also come from the environment: DERAILED_CHECK_GATEWAY, DERAILED_CHECK_GRPC, DERAILED_CHECK_TOKEN,
// DERAILED_CHECK_GUILD, DERAILED_CHECK_MODES, DERAILED_CHECK_LIB_DIR, DERAILED_CHECK_REPORT, DERAILED_CHECK_CLIENT=1; DERAILED_GRPC_TOKEN,
// when set, is sent as the gRPC ingress secret. Exit status 0 only if every check passed.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { REST, DiscordAPIError } from '@discordjs/rest';
import { waitFor, withTimeout, SniffingProxy, ingress } from '../lib/checking.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- options

function options() {
  const args = process.argv.slice(2);
  const out = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--verbose') { out.verbose = true; continue; }
    if (arg === '--help' || arg === '-h') { out.help = true; continue; }
    if (!arg.startsWith('--') || i + 1 >= args.length) throw new Error(`unexpected argument ${arg}`);
    out[arg.slice(2)] = args[++i];
  }
  const env = process.env;
  return {
    help: out.help,
    verbose: out.verbose || env.DERAILED_CHECK_VERBOSE === '1',
    gateway: (out.gateway ?? env.DERAILED_CHECK_GATEWAY ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    grpc: out.grpc ?? env.DERAILED_CHECK_GRPC ?? '127.0.0.1:50051',
    grpcToken: env.DERAILED_GRPC_TOKEN || null,
    token: out.token ?? env.DERAILED_CHECK_TOKEN,
    guild: out.guild ?? env.DERAILED_CHECK_GUILD,
    modes: out.modes ?? env.DERAILED_CHECK_MODES ?? null,
    libDir: path.resolve(out['lib-dir'] ?? env.DERAILED_CHECK_LIB_DIR ?? here),
    report: out.report ?? env.DERAILED_CHECK_REPORT ?? null,
    client: out['discordjs-client'] === '1' || env.DERAILED_CHECK_CLIENT === '1',
  };
}

// ---------------------------------------------------------------- results

const results = [];
let label = '';

function record(status, name, detail = '') {
  results.push({ status, name: `${label} ${name}`.trim(), detail });
  const line = `${status.padEnd(4)}  ${label ? `[${label}] ` : ''}${name}${detail ? `: ${detail}` : ''}`;
  console.log(line);
}
const pass = (name, detail) => record('PASS', name, detail);
const fail = (name, detail) => record('FAIL', name, detail);
const skip = (name, detail) => record('SKIP', name, detail);

function check(name, ok, detail) {
  (ok ? pass : fail)(name, detail);
  return ok;
}

function writeReport(file, seconds) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const failed = results.filter((r) => r.status === 'FAIL').length;
  const skipped = results.filter((r) => r.status === 'SKIP').length;
  const cases = results.map((r) => {
    const open = `  <testcase classname="clients.discordjs" name="${esc(r.name)}" time="0">`;
    if (r.status === 'FAIL') return `${open}<failure message="${esc(r.detail)}"/></testcase>`;
    if (r.status === 'SKIP') return `${open}<skipped message="${esc(r.detail)}"/></testcase>`;
    return `${open}</testcase>`;
  });
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="clients.discordjs" tests="${results.length}" `
    + `failures="${failed}" errors="0" skipped="${skipped}" time="${seconds.toFixed(1)}">\n${cases.join('\n')}\n</testsuite>\n`);
}

// ---------------------------------------------------------------- the gateway's HTTP endpoints

/** What the library's fetchGatewayInformation gets: GET /api/v10/gateway/bot through @discordjs/rest when served. */
async function gatewayInformation(opts) {
  const plain = await withTimeout(fetch(`${opts.gateway}/api/v10/gateway`), 10_000, 'GET /api/v10/gateway');
  const plainBody = await plain.json();
  if (!check('GET /api/v10/gateway', plain.status === 200 && typeof plainBody.url === 'string'
      && /^wss?:\/\/[^/?#]+$/.test(plainBody.url), `${plain.status} ${JSON.stringify(plainBody)}`)) {
    throw new Error('the gateway does not say where to connect');
  }
  const rest = new REST({ api: `${opts.gateway}/api`, version: '10', retries: 0, timeout: 10_000 }).setToken(opts.token);
  try {
    const bot = await rest.get('/gateway/bot');
    const limit = bot.session_start_limit ?? {};
    const ok = bot.url === plainBody.url && Number.isInteger(bot.shards) && bot.shards >= 1
      && ['total', 'remaining', 'reset_after', 'max_concurrency'].every((k) => Number.isInteger(limit[k]))
      && limit.remaining >= 1;
    check('GET /api/v10/gateway/bot through @discordjs/rest (Authorization: Bot ...)', ok, JSON.stringify(bot));
    return { info: bot, rest, served: true };
  } catch (error) {
    // Not served (404) is a skip; any other answer a failure. Either way the library still gets to run, with
    // /api/v10/gateway's url and shards and session_start_limit filled in here.
    const standIn = 'the library gets /api/v10/gateway\'s url with shards 1 and a session_start_limit filled in here';
    if (error instanceof DiscordAPIError && error.status === 404) {
      skip('GET /api/v10/gateway/bot through @discordjs/rest', `not served by this gateway (404): ${standIn}`);
    } else {
      fail('GET /api/v10/gateway/bot through @discordjs/rest', `${error}; ${standIn}`);
    }
    const info = {
      url: plainBody.url,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
    };
    return { info, rest: { get: async () => info }, served: false };
  }
}

// ---------------------------------------------------------------- the library

async function loadLibrary(libDir) {
  const require = createRequire(path.join(libDir, 'package.json'));
  const entry = require.resolve('@discordjs/ws');
  const imported = await import(pathToFileURL(entry).href);
  const lib = imported.WebSocketManager ? imported : imported.default;
  return { lib, version: lib.version, entry };
}

const MODES = {
  none: () => null,
  'zlib-stream': (lib) => lib.CompressionMethod.ZlibNative,
  'zstd-stream': (lib) => lib.CompressionMethod.ZstdNative,
};

function supportedModes(lib) {
  return Object.keys(MODES).filter((mode) => MODES[mode](lib) !== undefined);
}

// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT: the published MESSAGE_CREATEs arrive whole.
const INTENTS = (1 << 0) | (1 << 9) | (1 << 15);

/** One compression mode, start to finish. Returns nothing; records its checks. */
async function runMode({ lib, version }, mode, opts, gateway, proxy, publisher, runId) {
  label = `@discordjs/ws ${version} ${mode}`;
  const major = Number(version.split('.')[0]);
  const compression = MODES[mode](lib);
  const events = { dispatches: [], ready: [], resumed: [], closed: [], errors: [], heartbeats: [], debug: [], hellos: 0 };
  const warnings = [];
  const originalWarn = console.warn;
  console.warn = (...m) => { warnings.push(m.join(' ')); originalWarn(...m); };

  const manager = new lib.WebSocketManager({
    token: opts.token,
    intents: INTENTS,
    shardCount: 1,
    shardIds: [0],
    compression,
    handshakeTimeout: 10_000,
    helloTimeout: 10_000,
    readyTimeout: 10_000,
    ...(major >= 3 ? { fetchGatewayInformation: () => gateway.rest.get('/gateway/bot') } : { rest: gateway.rest }),
  });
  manager.on('dispatch', (payload) => events.dispatches.push({ at: Date.now(), t: payload.t, s: payload.s, d: payload.d }));
  manager.on('ready', (data) => events.ready.push({ at: Date.now(), data }));
  manager.on('resumed', () => events.resumed.push({ at: Date.now() }));
  manager.on('closed', (code) => events.closed.push({ at: Date.now(), code }));
  manager.on('error', (error) => events.errors.push(String(error)));
  manager.on('socketError', (error) => events.errors.push(`socket: ${error}`));
  manager.on('hello', () => { events.hellos++; });
  manager.on('heartbeat', (stats) => events.heartbeats.push({ at: Date.now(), ...stats }));
  manager.on('debug', (message) => {
    events.debug.push({ at: Date.now(), message });
    if (opts.verbose) console.log(`    debug: ${message.replace(/\n\t/g, ' | ')}`);
  });

  const published = []; // {nonce, s?} in publish order
  const lastSeq = () => events.dispatches.reduce((max, d) => Math.max(max, d.s ?? 0), 0);
  let channelId = null;
  let userId = null;
  let counter = 0;
  const publish = async (n, phase) => {
    for (let i = 0; i < n; i++) {
      const nonce = `${runId}-${mode}-${++counter}`;
      const data = {
        id: `${BigInt(Date.now() - 1420070400000) << 22n | BigInt(counter)}`,
        channel_id: channelId,
        guild_id: opts.guild,
        author: { id: userId, username: 'derailed-check', discriminator: '0', global_name: null, avatar: null },
        content: `derailed check ${mode} #${counter} (${phase})`,
        nonce,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        type: 0,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
      };
      published.push({ nonce, data, phase });
      await publisher.publish(opts.guild, 'MESSAGE_CREATE', data);
    }
  };
  const arrived = (nonce) => events.dispatches.filter((d) => d.t === 'MESSAGE_CREATE' && d.d?.nonce === nonce);
  const allArrived = (phase) => published.filter((p) => !phase || p.phase === phase).every((p) => arrived(p.nonce).length >= 1);
  const intervalMs = () => {
    const line = events.debug.map((d) => d.message).reverse().find((m) => /starting to beat every \d+ms/.test(m));
    return line ? Number(/every (\d+)ms/.exec(line)[1]) : null;
  };
  const firstConn = proxy.connections.length;

  let connected = true;
  try {
    // 1. identify, READY, GUILD_CREATE
    const started = Date.now();
    try {
      // The library retries a refused connection every 0.5 s; three refusals in a row before READY end the wait.
      const refused = waitFor(() => events.ready.length === 0 && proxy.connections.slice(firstConn).length >= 3
        && proxy.connections.slice(firstConn).every((c) => c.serverClose), 20_000, 'three refused connections')
        .then(() => { throw new Error('the gateway closed three connections in a row before READY'); }, () => {});
      await withTimeout(Promise.race([manager.connect(), refused]), 20_000, 'WebSocketManager.connect() resolving on READY');
    } catch (error) {
      connected = false;
      const conn = proxy.connections[firstConn];
      const close = conn?.serverClose ? `; the gateway closed with ${conn.serverClose.code} "${conn.serverClose.reason}"` : '';
      fail('identify -> READY', `${error.message}${close}; library: ${events.errors.join('; ') || 'no error'}`);
      return;
    }
    const conn1 = proxy.connections[firstConn];
    const ready = events.ready[0]?.data;
    userId = ready?.user?.id;
    const identify = conn1?.sent.find((m) => m.op === 2);
    check('identify -> READY', Boolean(ready?.session_id && userId && identify),
      `READY after ${Date.now() - started} ms: session ${ready?.session_id}, user ${ready?.user?.username} (${userId}), `
      + `resume_gateway_url ${ready?.resume_gateway_url}; IDENTIFY carried intents ${identify?.d?.intents}, `
      + `shard ${JSON.stringify(identify?.d?.shard)}, compress ${identify?.d?.compress}`);
    check('connection went through the check\'s proxy', Boolean(conn1 && conn1.request),
      conn1 ? conn1.request : 'the library connected elsewhere');
    const expectQuery = compression === null ? !/compress=/.test(conn1?.request ?? '') : (conn1?.request ?? '').includes(`compress=${mode}`);
    check(`URL asks for ${mode === 'none' ? 'no compression' : mode}`, expectQuery, conn1?.request ?? '?');

    await waitFor(() => events.dispatches.find((d) => d.t === 'GUILD_CREATE' && d.d?.id === opts.guild), 10_000,
      `GUILD_CREATE for guild ${opts.guild}`).then((d) => {
      channelId = d.d.channels?.find((c) => c.type === 0)?.id ?? d.d.channels?.[0]?.id ?? opts.guild;
      pass('GUILD_CREATE', `guild ${d.d.name} (${d.d.id}), s=${d.s}, ${d.d.channels?.length} channels, `
        + `${d.d.roles?.length} roles, ${d.d.members?.length} members`);
    }).catch((error) => { fail('GUILD_CREATE', error.message); throw error; });

    // 2. heartbeats across several intervals
    const interval = await waitFor(intervalMs, 15_000, 'the first heartbeat (the library then logs the interval)')
      .catch((error) => { fail('heartbeats', error.message); throw error; });
    const beatStart = events.heartbeats[0]?.heartbeatAt ?? Date.now();
    const intervals = 3;
    await waitFor(() => events.heartbeats.length >= intervals + 1 && Date.now() - beatStart >= intervals * interval,
      (intervals + 2) * interval + 5_000, `${intervals + 1} acknowledged heartbeats`)
      .catch(() => {});
    const spanMs = Date.now() - beatStart;
    const beatsSent = conn1.sent.filter((m) => m.op === 1);
    const seqOk = beatsSent.every((m) => m.d === null || Number.isInteger(m.d));
    const maxLatency = Math.max(0, ...events.heartbeats.map((h) => h.latency));
    check(`heartbeats across ${intervals} intervals`,
      events.heartbeats.length >= intervals + 1 && events.closed.length === 0 && conn1.open && seqOk,
      `interval ${interval} ms; over ${(spanMs / interval).toFixed(1)} intervals the library sent ${beatsSent.length} `
      + `op 1 (d = last seq: ${beatsSent.map((m) => String(m.d)).join(',')}) and got ${events.heartbeats.length} op 11, `
      + `latency max ${maxLatency} ms; closes: ${events.closed.map((c) => c.code).join(',') || 'none'}`);

    // 3. the transport really is what was asked for
    if (compression === null) {
      check('frames are text JSON', conn1.received.binary === 0 && conn1.received.text > 0 && conn1.received.rsv === 0,
        `${conn1.received.text} text frames, ${conn1.received.binary} binary`);
    } else {
      check(`frames are ${mode} (binary) and the library decodes them`,
        conn1.received.binary > 0 && conn1.received.text === 0 && conn1.received.rsv === 0 && events.errors.length === 0,
        `${conn1.received.binary} binary frames, ${conn1.received.binaryBytes} bytes, ${conn1.received.text} text; `
        + `library errors: ${events.errors.join('; ') || 'none'}`);
    }

    // 4. live dispatches
    const before = lastSeq();
    await publish(3, 'live');
    await waitFor(() => allArrived('live'), 10_000, '3 published MESSAGE_CREATEs').catch(() => {});
    const live = published.filter((p) => p.phase === 'live').map((p) => arrived(p.nonce));
    check('published MESSAGE_CREATEs arrive', live.every((a) => a.length === 1)
      && live.every((a, i) => a[0].s === before + 1 + i)
      && live.every((a, i) => isDeepStrictEqual(a[0].d, published.filter((p) => p.phase === 'live')[i].data)),
      `s ${live.map((a) => a.map((d) => d.s).join('+') || 'missing').join(', ')} after ${before}, d exactly as published`);

    // 5. the connection is dropped underneath the library; events are published while it is away
    const cutConn = proxy.latest();
    const seqAtCut = lastSeq();
    const resumedBefore = events.resumed.length;
    proxy.cut();
    await publish(5, 'dropped');
    const resumedOk = await waitFor(() => events.resumed.length > resumedBefore, 15_000, 'RESUMED after the cut')
      .then(() => true, (error) => error);
    await waitFor(() => allArrived('dropped'), 5_000, 'the events published while away').catch(() => {});
    resumeChecks('dropped TCP connection', cutConn, seqAtCut, resumedOk, ready.session_id, 'dropped', mode);

    // 6. a zombie socket: nothing from the library reaches the gateway any more, heartbeats included
    const zombie = proxy.latest();
    const seqAtZombie = lastSeq();
    const closedBefore = events.closed.length;
    const resumedBefore2 = events.resumed.length;
    proxy.blackhole(zombie);
    const blackholedAt = Date.now();
    await publish(2, 'zombie-live');
    // once the library has given the socket up, publish more: these must come back in the replay
    await waitFor(() => events.closed.length > closedBefore, 5 * interval + 10_000, 'the library giving the zombie up')
      .then(() => publish(3, 'zombie-away'), () => {});
    const resumedOk2 = await waitFor(() => events.resumed.length > resumedBefore2, 5 * interval + 15_000, 'RESUMED after the zombie')
      .then(() => true, (error) => error);
    await waitFor(() => allArrived(), 5_000, 'the events published around the zombie').catch(() => {});
    const zclose = zombie.serverClose;
    const libraryCodes = events.closed.slice(closedBefore).map((c) => c.code);
    resumeChecks('half-open (zombie) socket', zombie, seqAtZombie, resumedOk2, ready.session_id, 'zombie', mode,
      `the gateway closed it with ${zclose ? `${zclose.code} "${zclose.reason}"` : 'no close frame'} `
      + `${zombie.closedAt ? `${zombie.closedAt - blackholedAt} ms after it went silent` : ''}; `
      + `the library reported close ${libraryCodes.join(',') || 'none'}`);
    if (zclose) {
      check('zombie closed with a resumable code', zclose.code === 4000,
        `${zclose.code} "${zclose.reason}" (heartbeat-timeout; ${interval} ms interval)`);
    }

    // 7. after all that, the resumed connection keeps its heartbeats and live events still flow
    const resumedAt = events.resumed[events.resumed.length - 1]?.at ?? Infinity;
    await waitFor(() => events.heartbeats.filter((h) => h.ackAt > resumedAt).length >= 2, 3 * interval + 5_000,
      'two acknowledged heartbeats on the resumed connection').catch(() => {});
    const acksAfter = events.heartbeats.filter((h) => h.ackAt > resumedAt).length;
    check('heartbeats on the resumed connection', acksAfter >= 2 && proxy.latest().open,
      events.resumed.length ? `${acksAfter} op 11 since RESUMED, connection ${proxy.latest().open ? 'open' : 'closed'}`
        : 'no RESUMED at all');
    const beforeTail = lastSeq();
    await publish(2, 'after');
    await waitFor(() => allArrived('after'), 10_000, 'events after the resumes').catch(() => {});
    const tail = published.filter((p) => p.phase === 'after').map((p) => arrived(p.nonce));
    check('live events after the resumes', tail.every((a) => a.length === 1) && tail[0]?.[0]?.s > beforeTail,
      `s ${tail.map((a) => a.map((d) => d.s).join('+') || 'missing').join(', ')}`);

    // 8. the whole session: every s exactly once, 1..N; every published event exactly once, in publish order
    const seqs = events.dispatches.map((d) => d.s);
    const consecutive = seqs.every((s, i) => s === i + 1);
    const counts = published.map((p) => arrived(p.nonce).length);
    const order = published.map((p) => arrived(p.nonce)[0]?.s ?? -1);
    const inOrder = order.every((s, i) => i === 0 || s > order[i - 1]);
    check('whole session: s = 1..N exactly once, every event exactly once in publish order',
      consecutive && counts.every((c) => c === 1) && inOrder,
      `${seqs.length} dispatches, s ${seqs[0]}..${seqs[seqs.length - 1]}${consecutive ? '' : ` (out of line: ${seqs.join(',')})`}; `
      + `${published.length} published, copies ${counts.join('')}`);
    const complaints = events.debug.map((d) => d.message)
      .filter((m) => /unable to decompress|no session is available|invalid session|timed out|went wrong|rate limit|open an issue/i.test(m));
    check('the library logged no complaint', complaints.length === 0 && warnings.length === 0,
      complaints.concat(warnings).map((m) => m.replace(/\n\t/g, ' | ')).join('; ') || `${events.debug.length} debug lines read`);
    const problems = proxy.connections.slice(firstConn).flatMap((c) => c.problems);
    check('frames well-formed both ways', problems.length === 0 && events.errors.length === 0,
      problems.concat(events.errors).join('; ') || `${proxy.connections.length - firstConn} connections`);
  } finally {
    console.warn = originalWarn;
    const last = proxy.latest();
    try {
      await withTimeout(Promise.resolve(manager.destroy({ code: 1000, reason: 'check done' })), 10_000, 'destroy');
      if (connected && last && last.clientClose) {
        check('closes with 1000', last.clientClose.code === 1000, `library sent close ${last.clientClose.code}`);
      }
    } catch (error) {
      fail('closes with 1000', error.message);
    }
  }

  function resumeChecks(what, cutConn, seqAtCut, resumedOk, sessionId, phase, modeName, extra = '') {
    const after = proxy.connections.slice(proxy.connections.indexOf(cutConn) + 1);
    const resumeConn = after.find((c) => c.sent.some((m) => m.op === 6));
    const op6 = resumeConn?.sent.find((m) => m.op === 6);
    const identified = after.some((c) => c.sent.some((m) => m.op === 2));
    const replayed = events.debug.map((d) => d.message).reverse().find((m) => /Resumed and replayed \d+ events/.test(m));
    const expectQuery = compression === null ? !/compress=/.test(resumeConn?.request ?? '') : (resumeConn?.request ?? '').includes(`compress=${modeName}`);
    check(`resume after a ${what}`,
      resumedOk === true && Boolean(op6) && !identified && op6.d?.session_id === sessionId
        && Number.isInteger(op6.d?.seq) && op6.d.seq >= seqAtCut && op6.d?.token === opts.token && expectQuery,
      resumedOk === true
        ? `op 6 {session_id ${op6?.d?.session_id === sessionId ? 'of READY' : op6?.d?.session_id}, seq ${op6?.d?.seq}} `
          + `on ${resumeConn?.request}; ${identified ? 'the library IDENTIFIED anew' : 'no new IDENTIFY'}; `
          + `${replayed ?? 'no replay count'}${extra ? `; ${extra}` : ''}`
        : `${resumedOk.message}; op 6 ${op6 ? 'sent' : 'never sent'}${identified ? ', IDENTIFY sent instead' : ''}; `
          + `gateway close ${resumeConn?.serverClose?.code ?? cutConn.serverClose?.code ?? 'none'}${extra ? `; ${extra}` : ''}`);
    const missed = published.filter((p) => p.phase.startsWith(phase)).map((p) => arrived(p.nonce));
    const seqs = missed.map((a) => a.map((d) => d.s));
    check(`events published around the ${what} arrive exactly once, in order`,
      missed.every((a) => a.length === 1) && seqs.every((s, i) => i === 0 || s[0] > seqs[i - 1][0]),
      `s ${seqs.map((s) => s.join('+') || 'missing').join(', ')}`);
  }
}

// ---------------------------------------------------------------- discord.js's Client

/** discord.js's Client, as an application uses it: login, ClientReady with the guild cached, messageCreate, destroy. */
async function runClient(opts, publisher, runId) {
  const require = createRequire(path.join(opts.libDir, 'package.json'));
  const discord = require('discord.js');
  const wsVersion = createRequire(require.resolve('discord.js'))('@discordjs/ws').version;
  label = `discord.js ${discord.version} Client (@discordjs/ws ${wsVersion}) none`;
  const { Client, Events, GatewayIntentBits } = discord;
  const complaints = [];
  const raw = [];
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: { api: `${opts.gateway}/api` },
  });
  client.on(Events.Warn, (m) => complaints.push(`warn: ${m}`));
  client.on(Events.Error, (e) => complaints.push(`error: ${e}`));
  client.on(Events.ShardError, (e) => complaints.push(`shard error: ${e}`));
  client.on(Events.Raw, (p) => { if (p.op === 0) raw.push(p.s); });
  client.on(Events.Debug, (m) => { if (opts.verbose) console.log(`    debug: ${m.replace(/\n\t?/g, ' | ')}`); });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  try {
    const started = Date.now();
    await withTimeout(client.login(opts.token), 20_000, 'Client.login');
    await withTimeout(ready, 20_000, 'ClientReady');
    check('login -> ClientReady', Boolean(client.user?.id), `after ${Date.now() - started} ms as ${client.user?.username} `
      + `(${client.user?.id}), application ${client.application?.id}`);
    const guild = client.guilds.cache.get(opts.guild);
    const text = guild?.channels.cache.find((c) => c.type === 0);
    check('the guild is cached from GUILD_CREATE', Boolean(guild?.available && guild.name && text && guild.roles.everyone
      && guild.members.me && guild.ownerId),
      guild ? `${guild.name}: ${guild.channels.cache.size} channels (${guild.channels.cache.map((c) => c.name).join(', ')}), `
        + `${guild.roles.cache.size} roles (@everyone ${guild.roles.everyone ? 'present' : 'missing'}), `
        + `members.me ${guild.members.me ? 'present' : 'missing'}, owner ${guild.ownerId}` : `guild ${opts.guild} not in the cache`);
    if (!guild || !text) return;
    const nonce = `${runId}-client`;
    const received = new Promise((resolve) => client.on(Events.MessageCreate, (m) => { if (m.nonce === nonce) resolve(m); }));
    await publisher.publish(opts.guild, 'MESSAGE_CREATE', {
      id: `${BigInt(Date.now() - 1420070400000) << 22n}`, channel_id: text.id, guild_id: guild.id,
      author: { id: client.user.id, username: client.user.username, discriminator: '0', global_name: null, avatar: null },
      member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      content: 'derailed check: discord.js Client', nonce, tts: false, mention_everyone: false, mentions: [],
      mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0, timestamp: new Date().toISOString(),
      edited_timestamp: null,
    });
    const message = await withTimeout(received, 10_000, 'messageCreate').catch((e) => e);
    check('messageCreate for a published MESSAGE_CREATE', message?.content === 'derailed check: discord.js Client'
      && message.channel?.id === text.id && message.author?.id === client.user.id && Boolean(message.member),
      message instanceof Error ? message.message
        : `"${message.content}" in #${message.channel?.name} by ${message.author?.username}, member ${message.member ? 'resolved' : 'missing'}`);
    check('sequence and complaints', raw.every((s, i) => s === i + 1) && complaints.length === 0,
      `s ${raw.join(',')}; ${complaints.join('; ') || 'no warning or error'}`);
  } catch (error) {
    fail('run', error.message);
  } finally {
    await withTimeout(client.destroy(), 10_000, 'Client.destroy').catch(() => {});
    label = '';
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = options();
  if (opts.help) {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).join('\n'));
    return 0;
  }
  if (!opts.token || !opts.guild) {
    console.error('check.mjs: --token and --guild are required (or DERAILED_CHECK_TOKEN, DERAILED_CHECK_GUILD); --help');
    return 2;
  }
  const begun = Date.now();
  const library = await loadLibrary(opts.libDir);
  label = `@discordjs/ws ${library.version}`;
  console.log(`discord.js check: @discordjs/ws ${library.version} (${path.relative(process.cwd(), library.entry)}) on Node ${process.version}`);
  const supported = supportedModes(library.lib);
  const modes = opts.modes ? opts.modes.split(/[ ,]+/).filter(Boolean) : supported;
  const unknown = modes.filter((m) => !MODES[m]);
  if (unknown.length) { console.error(`check.mjs: unknown mode(s) ${unknown.join(', ')}`); return 2; }
  for (const mode of Object.keys(MODES).filter((m) => !supported.includes(m))) {
    skip(`${mode}`, `@discordjs/ws ${library.version} has no ${mode} support`);
  }

  let proxy = null;
  let publisher = null;
  try {
    const gateway = await gatewayInformation(opts);
    const advertised = new URL(gateway.info.url);
    const target = new URL(opts.gateway);
    if (advertised.port === target.port && advertised.hostname === target.hostname) {
      fail('setup', `the gateway advertises ${gateway.info.url}, itself: start it with DERAILED_PUBLIC_URL=ws://127.0.0.1:FREE_PORT `
        + 'so that the library connects and resumes through this check\'s proxy on FREE_PORT');
      return 1;
    }
    proxy = new SniffingProxy(target.hostname, Number(target.port), opts.verbose);
    await proxy.listen(Number(advertised.port));
    publisher = ingress(grpc, protoLoader, opts.grpc, opts.grpcToken);
    const runId = Date.now().toString(36);
    if (opts.client) await runClient(opts, publisher, runId);
    for (const mode of modes) {
      if (!supported.includes(mode)) {
        label = `@discordjs/ws ${library.version} ${mode}`;
        fail('supported', `asked for ${mode}, which @discordjs/ws ${library.version} cannot do`);
        continue;
      }
      const modeStart = Date.now();
      try {
        await runMode(library, mode, opts, gateway, proxy, publisher, runId);
      } catch (error) {
        if (!results.some((r) => r.status === 'FAIL' && r.name.startsWith(label))) fail('run', error.stack ?? String(error));
      }
      console.log(`      [${label}] took ${((Date.now() - modeStart) / 1000).toFixed(1)} s`);
      label = `@discordjs/ws ${library.version}`;
    }
  } catch (error) {
    if (!results.some((r) => r.status === 'FAIL')) fail('run', error.stack ?? String(error));
  } finally {
    publisher?.close();
    await proxy?.close();
  }
  const seconds = (Date.now() - begun) / 1000;
  const failed = results.filter((r) => r.status === 'FAIL').length;
  const passed = results.filter((r) => r.status === 'PASS').length;
  const skipped = results.filter((r) => r.status === 'SKIP').length;
  if (opts.report) writeReport(opts.report, seconds);
  console.log(`discord.js check (@discordjs/ws ${library.version}, ${seconds.toFixed(1)} s): ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

const limitSeconds = Number(process.env.DERAILED_CHECK_LIMIT_SECONDS ?? 150);
const watchdog = setTimeout(() => {
  fail('watchdog', `the whole check took longer than ${limitSeconds} s`);
  const opts = options();
  if (opts.report) writeReport(opts.report, limitSeconds);
  process.exit(1);
}, limitSeconds * 1000);

main().then((status) => { clearTimeout(watchdog); process.exit(status); },
  (error) => { console.error(error); process.exit(1); });
