/**
 * Facts of one compose file, before files of a project are merged. Fields a file does not
 * write stay undefined, so an override file only changes what it mentions.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from './yaml-lib';
import type { Locator, SourceFile } from '../core/source';
import { lineIndexOf, locatorFor } from '../core/source';
import { captureComposeLayout, type ComposeLayout } from '../edits/compose';
import type { Location } from '../core/text';
import { known, unknown, type Val } from '../core/value';
import type { ComposeEnvVar, ComposeNetwork, ComposePort, ComposeService, SyntaxProblem } from '../model/types';
import { fillHoles, interpolate, type Env } from './interpolate';
import { longPortSummary, normalizeProtocol, parseShortPort } from './ports';
import { COMPOSE_PARSE_OPTIONS, deref, mapEntries, nodeSpan, scalarContentStart, scalarString, seqItems } from './yaml-nodes';

export interface ServiceFacts {
  readonly name: string;
  readonly at: Location;
  image?: string;
  hostname?: ComposeService['hostname'];
  containerName?: ComposeService['containerName'];
  networkMode?: ComposeService['networkMode'];
  /** undefined when the file does not list networks. */
  networks?: string[];
  ports: ComposePort[];
  /** `environment:` entries in order. */
  environment: ComposeEnvVar[];
  /** `env_file:` paths, resolved against the compose file's directory. */
  envFiles: { readonly path: string; readonly at: Location }[];
  dependsOn: string[];
}

export interface NetworkFacts {
  readonly name: string;
  readonly at: Location;
  external?: boolean;
  enableIpv6?: Val<boolean>;
  /** undefined when the file does not write `ipam.config`. */
  subnets?: ComposeNetwork['subnets'][number][];
}

export interface ComposeFileFacts {
  readonly file: string;
  /** Root is a mapping (otherwise the file yields no project). */
  readonly usable: boolean;
  readonly projectName?: Val<string>;
  readonly services: ServiceFacts[];
  readonly networks: NetworkFacts[];
  readonly networksAt?: Location;
  readonly syntaxErrors: SyntaxProblem[];
  /** What the compose edit builder needs of this text, so that fixes need not parse it again. */
  readonly editLayout?: ComposeLayout;
}

/** Go's strconv.ParseBool, which compose uses for string booleans (`"true"`, `${X:-1}`). */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}

/** Joins a relative path onto a directory and removes `.`/`..` segments. */
export function resolvePath(dir: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${dir}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '.' || (p === '' && out.length > 0)) continue;
    if (p === '..') {
      if (out.length > 1) out.pop();
    } else out.push(p);
  }
  return out.join('/') || '/';
}

export function syntaxMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

class FileReader {
  readonly locate: Locator;
  constructor(
    readonly file: SourceFile,
    readonly doc: Document,
    readonly env: Env,
  ) {
    this.locate = locatorFor(file);
  }

  at(node: Node): Location {
    const range = node.range;
    return range ? this.locate(range[0], range[1]) : this.locate(0, 0);
  }

  /** Location of `[from, to)` within a scalar's value, or the whole node when not mappable. */
  within(node: Node, from: number, to: number): Location {
    const start = isScalar(node) ? scalarContentStart(this.file.text, node) : undefined;
    return start === undefined ? this.at(node) : this.locate(start + from, start + to);
  }

  /** A scalar interpolated into a Val, located at `loc`. */
  val(raw: string, loc: Location): Val<string> {
    const result = interpolate(raw, this.env);
    // Text without `$` syntax is its own literal value (and uses no variable).
    if (!result.interpolated) return known(raw, loc);
    const via = result.used.map((u) => u.at);
    if (result.value === null) return unknown(result.reason ?? 'unknown variable', loc);
    return known(result.value, loc, 'derived', via);
  }

  /** Interpolated string of a scalar node; written text when something is unknown. */
  text(node: Node | null): string | undefined {
    const raw = scalarString(node);
    if (raw === undefined) return undefined;
    return interpolate(raw, this.env).value ?? raw;
  }
}

export function extractComposeFile(file: SourceFile, env: Env): ComposeFileFacts {
  // Offsets, not line/col: Locators turn them into LSP UTF-16 positions.
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(file.text, COMPOSE_PARSE_OPTIONS);
  } catch (e) {
    // The yaml parser recurses per nesting level: thousands of levels overflow the stack.
    // Such a file is unreadable (compose itself refuses it), not an internal error.
    if (!(e instanceof RangeError)) throw e;
    const start = { line: 0, character: 0 };
    return { file: file.path, usable: false, services: [], networks: [], syntaxErrors: [{ message: 'YAML nested too deeply to read', at: { file: file.path, range: { start, end: start } } }] };
  }
  const r = new FileReader(file, doc, env);
  const syntaxErrors: SyntaxProblem[] = doc.errors.map((e) => ({
    message: syntaxMessage(e.message),
    at: r.locate(e.pos[0], Math.max(e.pos[1], e.pos[0])),
  }));
  const root = deref(doc, doc.contents);
  if (!isMap(root)) return { file: file.path, usable: false, services: [], networks: [], syntaxErrors };
  const editLayout = captureComposeLayout(file.text, doc, lineIndexOf(file));

  const top = mapEntries(doc, root);
  const nameEntry = top.get('name');
  let projectName: Val<string> | undefined;
  if (nameEntry?.value && scalarString(nameEntry.value) !== undefined) {
    projectName = r.val(scalarString(nameEntry.value)!, r.at(nameEntry.value));
  }

  const services: ServiceFacts[] = [];
  for (const e of mapEntries(doc, top.get('services')?.value).values()) {
    services.push(readService(r, e.name, r.at(e.key), e.value));
  }
  const networks: NetworkFacts[] = [];
  const netTop = top.get('networks');
  for (const e of mapEntries(doc, netTop?.value).values()) networks.push(readNetwork(r, e.name, r.at(e.key), e.value));

  return {
    file: file.path,
    usable: true,
    ...(projectName ? { projectName } : {}),
    services,
    networks,
    ...(netTop ? { networksAt: r.at(netTop.key) } : {}),
    syntaxErrors,
    ...(editLayout ? { editLayout } : {}),
  };
}

function readService(r: FileReader, name: string, at: Location, node: Node | null): ServiceFacts {
  const s: ServiceFacts = { name, at, ports: [], environment: [], envFiles: [], dependsOn: [] };
  const f = mapEntries(r.doc, node);

  const image = f.get('image')?.value ?? null;
  if (image) s.image = r.text(image);

  const hostname = readScalarVal(r, f.get('hostname')?.value ?? null);
  if (hostname) s.hostname = hostname;
  const containerName = readScalarVal(r, f.get('container_name')?.value ?? null);
  if (containerName) s.containerName = containerName;

  const mode = f.get('network_mode')?.value ?? null;
  const modeRaw = scalarString(mode);
  if (mode && modeRaw !== undefined) s.networkMode = readNetworkMode(r, mode, modeRaw);

  const nets = f.get('networks');
  if (nets) {
    const v = nets.value;
    s.networks = isSeq(v) ? seqItems(r.doc, v).map((i) => r.text(i)).filter((n): n is string => !!n) : [...mapEntries(r.doc, v).keys()];
  }

  for (const item of seqItems(r.doc, f.get('ports')?.value)) {
    const port = isMap(item) ? readLongPort(r, item) : readShortPort(r, item);
    if (port) s.ports.push(port);
  }

  s.environment = readEnvironment(r, f.get('environment')?.value ?? null);

  const envFile = f.get('env_file')?.value ?? null;
  const envItems = isSeq(envFile) ? seqItems(r.doc, envFile) : envFile ? [envFile] : [];
  for (const item of envItems) {
    const pathNode = isMap(item) ? mapEntries(r.doc, item).get('path')?.value ?? null : item;
    const p = r.text(pathNode);
    if (p && pathNode) s.envFiles.push({ path: resolvePath(dirOf(r.file.path), p), at: r.at(pathNode) });
  }

  const deps = f.get('depends_on')?.value ?? null;
  s.dependsOn = isSeq(deps) ? seqItems(r.doc, deps).map((i) => r.text(i)).filter((n): n is string => !!n) : [...mapEntries(r.doc, deps).keys()];
  return s;
}

/** A scalar setting with its interpolated value; undefined when absent or not a scalar. */
function readScalarVal(r: FileReader, node: Node | null): { value: Val<string>; at: Location } | undefined {
  const raw = scalarString(node);
  if (!node || raw === undefined) return undefined;
  const at = r.at(node);
  return { value: r.val(raw, at), at };
}

function readNetworkMode(r: FileReader, node: Node, raw: string): NonNullable<ComposeService['networkMode']> {
  const at = r.at(node);
  const value = interpolate(raw, r.env).value;
  if (value === null) return { kind: 'other', raw, at };
  const m = /^(service|container):(.+)$/.exec(value);
  if (m) return { kind: m[1] as 'service' | 'container', target: m[2], raw, at };
  if (value === 'host' || value === 'bridge' || value === 'none') return { kind: value, raw, at };
  return { kind: 'other', raw, at };
}

function readShortPort(r: FileReader, node: Node): ComposePort | undefined {
  const raw = scalarString(node);
  if (raw === undefined) return undefined;
  const at = r.at(node);
  const result = interpolate(raw, r.env);
  const parsed = parseShortPort(result.template, (s) => fillHoles(s, result.holes));
  if (!parsed) return undefined;
  return { raw, syntax: 'short', ...parsed, at };
}

function readLongPort(r: FileReader, node: Node): ComposePort | undefined {
  const f = mapEntries(r.doc, node);
  const field = (k: string): string | null | undefined => {
    const n = f.get(k)?.value ?? null;
    const raw = scalarString(n);
    return raw === undefined ? undefined : interpolate(raw, r.env).value;
  };
  const target = field('target');
  if (target === undefined || target === null) return undefined;
  const published = field('published') ?? undefined;
  const hostIpField = field('host_ip');
  const hostIp = hostIpField === null ? null : hostIpField === '' ? undefined : hostIpField;
  const protocol = normalizeProtocol(field('protocol') ?? undefined) ?? 'tcp';
  return {
    raw: longPortSummary(hostIp ?? undefined, published, target, protocol),
    syntax: 'long',
    hostIp,
    ...(published !== undefined ? { hostPort: published } : {}),
    containerPort: target,
    protocol,
    at: r.at(node),
  };
}

/** `KEY` with no value: compose takes it from its environment, which includes .env. */
function fromEnv(r: FileReader, name: string, loc: Location): Val<string> {
  const v = r.env.get(name);
  if (v && v.value !== null) return known(v.value, loc, 'derived', [v.at]);
  return unknown(v?.reason ?? `${name} takes its value from the shell environment`, loc);
}

function readEnvironment(r: FileReader, node: Node | null): ComposeEnvVar[] {
  const out: ComposeEnvVar[] = [];
  if (isSeq(node)) {
    for (const item of seqItems(r.doc, node)) {
      const text = scalarString(item);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      const at = r.at(item);
      if (eq < 0) {
        const name = text.trim();
        out.push({ name, value: fromEnv(r, name, at), at });
        continue;
      }
      const name = text.slice(0, eq).trim();
      const loc = r.within(item, eq + 1, text.length);
      out.push({ name, value: r.val(text.slice(eq + 1), loc), at });
    }
    return out;
  }
  for (const e of mapEntries(r.doc, node).values()) {
    const name = e.name;
    const at = e.value ? r.locate(nodeSpan(e.key)[0], nodeSpan(e.value)[1]) : r.at(e.key);
    const raw = scalarString(e.value);
    if (raw === undefined || !e.value) out.push({ name, value: fromEnv(r, name, at), at });
    else out.push({ name, value: r.val(raw, r.at(e.value)), at });
  }
  return out;
}

function readNetwork(r: FileReader, name: string, at: Location, node: Node | null): NetworkFacts {
  const n: NetworkFacts = { name, at };
  const f = mapEntries(r.doc, node);
  const ext = f.get('external')?.value ?? null;
  if (ext) {
    // `external: true`, or the legacy `external: { name: x }`.
    const b = isMap(ext) ? undefined : toBool(r, ext, r.at(ext));
    n.external = b === undefined ? true : b.known ? b.value : undefined;
  }
  const v6 = f.get('enable_ipv6')?.value ?? null;
  if (v6) n.enableIpv6 = toBool(r, v6, r.at(v6));
  const ipam = mapEntries(r.doc, f.get('ipam')?.value ?? null);
  const config = ipam.get('config');
  if (config) {
    n.subnets = [];
    for (const item of seqItems(r.doc, config.value)) {
      const sn = mapEntries(r.doc, item).get('subnet')?.value ?? null;
      const raw = scalarString(sn);
      if (!sn || raw === undefined) continue;
      const loc = r.at(sn);
      n.subnets.push({ subnet: r.val(raw, loc), at: loc });
    }
  }
  return n;
}

function toBool(r: FileReader, node: Node, loc: Location): Val<boolean> {
  if (isScalar(node) && typeof node.value === 'boolean') return known(node.value, loc);
  const raw = scalarString(node);
  if (raw === undefined) return unknown('not a boolean', loc);
  const val = r.val(raw, loc);
  if (!val.known) return val;
  const via = val.via ? [...val.via] : undefined;
  if (TRUE.has(val.value)) return known(true, loc, val.certainty, via);
  if (FALSE.has(val.value)) return known(false, loc, val.certainty, via);
  return unknown(`"${val.value}" is not a boolean`, loc);
}
