// Summarizes a V8 .cpuprofile (from `node --cpu-prof`) of our server under `npm run bench` load: where
// the CPU time of the serving window goes, by package and by part of the request path.
//
//   node dist/bench/cpuprofile-summary.js <file.cpuprofile> [--top=25] [--callers=<function>] [--mark=<function>@<file>]
//
// The window runs from the first to the last sample whose stack is inside the /mcp handler
// (McpHttpHandler.serve; --mark to change), so boot and shutdown are left out. Shares are of the
// non-idle samples in that window.
//  - "by package": each sample goes to the innermost frame that belongs to a package (node_modules/<pkg>)
//    or to our dist/ code; builtins and node internals it calls count for that frame (JSON.stringify
//    called by pino counts for pino). Samples with no such frame are node internals (http parser, net).
//  - "part of the request path": the same, grouped (logging, metrics, throttler, Nest, express, SDK, ...).
//  - "inclusive": a sample counts for a component when any frame of its stack is in it (rows overlap).
//    Only parts that do not call on into the rest of the path are listed: a middleware that calls
//    next() would count everything after it.
//  - `--callers=<function>`: the most frequent stacks (6 frames) from that function up.
import * as fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--'));
if (!file) {
  process.stderr.write('usage: node dist/bench/cpuprofile-summary.js <file.cpuprofile> [--top=25] [--callers=<function>] [--mark=<function>@<file>]\n');
  process.exit(2);
}
const option = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const TOP = Number(option('top') ?? 25);
const CALLERS_OF = option('callers');
const [MARK_FUNCTION, MARK_FILE] = (option('mark') ?? 'serve@mcp-http.handler').split('@');
const OTHER = 'node internals (http parser, net, timers) and other';

/** Non-overlapping groups: a sample goes to the innermost frame that matches one (builtins count for their caller). */
const GROUPS: [string, RegExp][] = [
  ['logging: pino-http, pino, redaction, sonic-boom, request id', /\/node_modules\/(pino|pino-http|nestjs-pino|pino-std-serializers|sonic-boom|fast-redact|@pinojs\/[^/]+|quick-format-unescaped|thread-stream)\/|\/dist\/platform\/logging\//],
  ['metrics: HttpMetricsMiddleware + prom-client', /\/node_modules\/prom-client\/|\/dist\/platform\/metrics\//],
  ['throttler: @nestjs/throttler + our guard', /\/node_modules\/@nestjs\/throttler\/|\/dist\/platform\/throttling\//],
  ['auth guard', /\/dist\/platform\/auth\//],
  ['Nest core (router proxy, guards consumer, DI lookups)', /\/node_modules\/(@nestjs\/(core|common|platform-express)|reflect-metadata|rxjs)\//],
  ['express + router + body-parser (and their helpers)', /\/node_modules\/(express|router|path-to-regexp|parseurl|body-parser|raw-body|iconv-lite|type-is|media-typer|content-type|on-finished|finalhandler|debug|qs|send|depd|http-errors|statuses|encodeurl|vary|cookie|bytes|unpipe|ee-first|mime-types|mime-db|negotiator|accepts|fresh|range-parser|merge-descriptors|safer-buffer|setprototypeof|toidentifier|inherits|proxy-addr|forwarded|ipaddr\.js|etag|escape-html|destroy)\//],
  ['our MCP layer: handler, server factory, ToolInvoker, body parser', /\/dist\/platform\/mcp\//],
  ['DTO validation: class-validator + class-transformer', /\/node_modules\/(class-validator|class-transformer|validator|libphonenumber-js)\//],
  ['MCP SDK v2 node adapter (@modelcontextprotocol/node: Node req -> web Request -> Node res)', /\/node_modules\/(@modelcontextprotocol\/node|@hono\/node-server)\//],
  ['MCP SDK v2 server (@modelcontextprotocol/server + core) + zod', /\/node_modules\/(@modelcontextprotocol\/(server|core)|zod)\//],
  ['the tools themselves (src/tools)', /\/dist\/tools\//],
];

/** Inclusive (anything on the stack): only parts that do not call on into the rest of the request path. */
const INCLUSIVE: [string, RegExp][] = [
  ['MCP SDK v2, everything under it (incl. our tools/call handler)', /\/node_modules\/@modelcontextprotocol\//],
  ['  zod (SDK message validation)', /\/node_modules\/zod\//],
  ['ToolInvoker and what it calls', /\/dist\/platform\/mcp\/tool-invoker\.service/],
  ['  class-validator / class-transformer (input + output DTO validation)', /\/node_modules\/(class-validator|class-transformer)\//],
  ['pino logger calls (pino core, serializers, redaction, sonic-boom)', /\/node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|@pinojs\/[^/]+)\//],
  ['  redaction (@pinojs/redact / fast-redact)', /\/node_modules\/(fast-redact|@pinojs\/redact)\//],
  ['prom-client', /\/node_modules\/prom-client\//],
];

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const stacks = new Map<number, ProfileNode[]>();
/** The frames of a sample, leaf first. */
function stackOf(id: number): ProfileNode[] {
  let frames = stacks.get(id);
  if (!frames) {
    frames = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at) as ProfileNode);
    stacks.set(id, frames);
  }
  return frames;
}

function packageOf(url: string): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return `our dist/${url.slice(dist + 6).split('/').slice(0, -1).join('/') || '.'}`;
  return url.replace(/^.*\//, '');
}

const shortUrl = (url: string): string => url.replace(/^file:\/\/.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
const frameName = (frame: CallFrame): string =>
  `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '(native)'}`;
const count = (map: Map<string, number>, key: string): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

// The serving window: first to last sample inside the mark.
const isMark = (node: ProfileNode): boolean => node.callFrame.functionName === MARK_FUNCTION && node.callFrame.url.includes(MARK_FILE);
const marked = profile.samples.map((id) => stackOf(id).some(isMark));
const first = marked.indexOf(true);
const last = marked.lastIndexOf(true);
if (first < 0) {
  process.stderr.write(`no sample inside ${MARK_FUNCTION}@${MARK_FILE}: was the server under load while profiled?\n`);
  process.exit(1);
}
let elapsedUs = 0;
for (let i = first + 1; i <= last; i++) elapsedUs += profile.timeDeltas[i];

const byPackage = new Map<string, number>();
const byGroup = new Map<string, number>();
const bySelf = new Map<string, number>();
const inclusive = new Map<string, number>(INCLUSIVE.map(([name]) => [name, 0]));
const callers = new Map<string, number>();
let idle = 0;
let busy = 0;
for (let i = first; i <= last; i++) {
  const frames = stackOf(profile.samples[i]);
  const leaf = frames[0].callFrame;
  if (leaf.functionName === '(idle)') {
    idle++;
    continue;
  }
  busy++;
  const special = leaf.functionName === '(garbage collector)' || leaf.functionName === '(program)' ? leaf.functionName : undefined;
  const urls = frames.map((frame) => frame.callFrame.url);
  count(byPackage, special ?? urls.map(packageOf).find((pkg) => pkg !== undefined) ?? OTHER);
  let group = special;
  for (const url of special ? [] : urls) {
    group = GROUPS.find(([, pattern]) => pattern.test(url))?.[0];
    if (group) break;
  }
  count(byGroup, group ?? OTHER);
  count(bySelf, frameName(leaf));
  for (const [name, pattern] of INCLUSIVE) if (urls.some((url) => pattern.test(url))) count(inclusive, name);
  if (CALLERS_OF !== undefined) {
    const at = frames.findIndex((frame) => frame.callFrame.functionName === CALLERS_OF);
    if (at >= 0) count(callers, frames.slice(at, at + 6).map((frame) => frameName(frame.callFrame)).join(' <- '));
  }
}

const pct = (n: number): string => `${((100 * n) / busy).toFixed(1)}%`;
const escape = (text: string): string => text.replace(/\|/g, '\\|');
const table = (title: string, rows: [string, number][], limit = rows.length): string[] => [
  '',
  `| ${title} | share of busy samples |`,
  '|---|--:|',
  ...rows.slice(0, limit).map(([name, n]) => `| ${escape(name)} | ${pct(n)} |`),
];
const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]);

const out = [
  `window ${(elapsedUs / 1e6).toFixed(1)} s, ${busy} busy samples, ${idle} idle (main thread ${((100 * busy) / (busy + idle)).toFixed(0)}% busy)`,
  ...table('package (self + the builtins it calls)', sorted(byPackage), TOP),
  ...table('part of the request path (innermost matching frame; adds up to 100%)', sorted(byGroup)),
  ...table('inclusive (anything on the stack)', [...inclusive]),
  ...table(`top ${TOP} functions by self time`, sorted(bySelf), TOP),
  ...(CALLERS_OF === undefined ? [] : table(`stacks from ${CALLERS_OF} up`, sorted(callers), 12)),
];
process.stdout.write(`${out.join('\n')}\n`);
