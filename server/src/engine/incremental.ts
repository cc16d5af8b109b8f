/**
 * Incremental analysis for the editor: the same findings as `analyze()`, but after an edit only
 * the parts of the workspace the edit can affect are analysed again.
 *
 * - Per-file facts are cached by content in the format modules (Nix trees and summaries,
 *   Postfix and compose parses), and a host whose files all have the same trees keeps its
 *   Host object (nix/index.ts). So `buildModel` costs discovery plus the changed hosts.
 * - The rules run per unit: one host (with its Postfix instances), one compose project, one
 *   file's syntax summary. A unit keeps its findings when its input objects are the previous
 *   run's or equal to them (an edit of a module every host imports rebuilds every Host, most
 *   often to the same facts), and the files its fixes were built from read the same; the
 *   others run again, on a slice of the model whose `whole` answers cross-host questions
 *   (name and address owners).
 * - Everything runs again when the inputs shared by all units change: the DNS view (the
 *   caller's `dnsKey`), the rules or their severities, or the cross-host facts (some host's
 *   names, addresses or mail domains — another host's findings may depend on them).
 * Suppressions are applied to the merged findings, so a suppression comment in any file
 * takes effect without re-running units.
 */
import type { Finding } from '../core/finding';
import type { SourceFile } from '../core/source';
import type { EditKit } from '../edits/kit';
import type { ComposeProject, FileSummary, Host, InfraModel, PostfixInstance } from '../model/types';
import type { Rule } from '../rules/types';
import { ChargedFiles, chargedKit, UnitReads } from './file-reads';
import { sameData } from './same-data';
import { buildModel, checkRule, compareFindings, dedupe, editKitFor, FILE_START, isSuppressed, suppressedLines, type Analysis, type AnalyzeOptions } from './engine';

export interface IncrementalStats {
  /** Every unit ran (first analysis, or a shared input changed). */
  readonly full: boolean;
  readonly why: string;
  readonly units: number;
  readonly unitsRun: number;
  readonly hosts: number;
  /** Hosts built anew (a host whose files all kept their trees keeps its Host object). */
  readonly hostsRebuilt: number;
  /** Hosts whose rules ran (a host rebuilt to the same facts keeps its findings). */
  readonly hostsRun: number;
  readonly modelMs: number;
  readonly rulesMs: number;
}

export interface IncrementalAnalysis extends Analysis {
  readonly stats: IncrementalStats;
}

interface Unit {
  readonly key: string;
  /** The objects the unit's findings are computed from; identity decides "unchanged". */
  readonly inputs: readonly object[];
  readonly anchor: string;
  readonly slice: (whole: InfraModel) => InfraModel;
  /** The host of a host unit (its first input). */
  readonly host?: Host;
}

interface UnitResult {
  readonly inputs: readonly object[];
  /** Findings before suppressions (those are applied on the merged list). */
  readonly findings: readonly Finding[];
  /** The files the edit kit read for the unit's fixes. */
  readonly reads: UnitReads;
}

/** Units analysed at once: rules await DNS, so units overlap their look-ups. */
const UNIT_CONCURRENCY = 32;

function slice(whole: InfraModel, part: Partial<Pick<InfraModel, 'files' | 'hosts' | 'postfix' | 'compose'>>): InfraModel {
  return { root: whole.root, files: part.files ?? [], hosts: part.hosts ?? [], postfix: part.postfix ?? [], compose: part.compose ?? [], whole };
}

function unitsOf(model: InfraModel): Unit[] {
  const byHost = new Map<string, PostfixInstance[]>();
  for (const p of model.postfix) {
    if (!p.host) continue;
    const list = byHost.get(p.host) ?? [];
    list.push(p);
    byHost.set(p.host, list);
  }
  const units: Unit[] = [];
  const seen = new Set<string>();
  const add = (u: Unit) => {
    // Keys are unique in practice; a duplicate id still gets its own unit.
    let key = u.key;
    for (let i = 2; seen.has(key); i++) key = `${u.key}#${i}`;
    seen.add(key);
    units.push(key === u.key ? u : { ...u, key });
  };
  for (const h of model.hosts) {
    const instances = byHost.get(h.id) ?? [];
    add({ key: `host\0${h.id}`, inputs: [h, ...instances], anchor: h.entry, host: h, slice: (w) => slice(w, { hosts: [h], postfix: instances }) });
  }
  // Instances whose host is not in the model (the assembler gives every instance one; kept safe).
  const hostIds = new Set(model.hosts.map((h) => h.id));
  for (const p of model.postfix) {
    if (p.host && hostIds.has(p.host)) continue;
    add({ key: `postfix\0${p.id}`, inputs: [p], anchor: p.definedAt.file, slice: (w) => slice(w, { postfix: [p] }) });
  }
  for (const c of model.compose) add({ key: `compose\0${c.file}\0${c.id}`, inputs: [c], anchor: c.file, slice: (w) => slice(w, { compose: [c as ComposeProject] }) });
  for (const f of model.files) add({ key: `file\0${f.file}`, inputs: [f], anchor: f.file, slice: (w) => slice(w, { files: [f as FileSummary] }) });
  return units;
}

const crossFacts = new WeakMap<object, string>();

/** What other hosts' rules may read of a host: its names, configured addresses, mail domains. */
function crossKey(model: InfraModel): string {
  const parts: string[] = [];
  for (const h of model.hosts) {
    let k = crossFacts.get(h);
    if (k === undefined) {
      k = JSON.stringify([h.id, h.names.map((n) => n.name), h.network.addresses.map((a) => [a.address, a.source]), h.mailDomains.map((d) => d.domain)]);
      crossFacts.set(h, k);
    }
    parts.push(k);
  }
  return parts.join('\n');
}

/** An equal host has the same cross-host facts: its key need not be built again. */
function carryCrossFacts(from: object, to: Host): void {
  const k = crossFacts.get(from);
  if (k !== undefined && from !== to) crossFacts.set(to, k);
}

function ruleKey(options: AnalyzeOptions): string {
  return JSON.stringify([options.root, options.rules.map((r) => r.meta.id), [...(options.severity ?? new Map())]]);
}

function sameItems(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function equalItems(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
}

/**
 * Units in a row whose inputs were compared as data and differed, after which an analysis
 * stops comparing (those units run). An edit that changes the facts of the hosts importing a
 * module changes them all alike; comparing all 1,600 hosts of a fleet in full to learn that
 * took about 50 ms of such an edit in a profile. Stopping only makes units run.
 */
const DIFFERING_IN_A_ROW = 32;

/** One unit through every rule, as `runRules` does for the whole model (suppressions come after). */
async function runUnit(unit: Unit, whole: InfraModel, edits: EditKit, options: AnalyzeOptions, rules: readonly Rule[]): Promise<Finding[]> {
  const model = unit.slice(whole);
  const at = { file: unit.anchor || whole.root, range: FILE_START };
  return (await Promise.all(rules.map((rule) => checkRule(rule, model, edits, options, at)))).flat();
}

export class IncrementalEngine {
  private results = new Map<string, UnitResult>();
  private lastDnsKey: unknown = undefined;
  private lastRuleKey = '';
  private lastCrossKey = '';
  private primed = false;

  /** Forget everything: the next analysis runs every unit. */
  reset(): void {
    this.results.clear();
    this.primed = false;
  }

  /**
   * The previous results that still hold, now under the units' new input objects: the kit
   * would read the same files for their fixes, and the inputs are the same objects or equal as
   * data (rules read them as plain data).
   */
  private stillHolding(units: readonly Unit[], files: ReadonlyMap<string, SourceFile>): Map<string, UnitResult> {
    const kept = new Map<string, UnitResult>();
    let differing = 0;
    for (const u of units) {
      const prev = this.results.get(u.key);
      if (!prev || !prev.reads.sameIn(files)) continue;
      if (!sameItems(prev.inputs, u.inputs)) {
        if (differing >= DIFFERING_IN_A_ROW) continue;
        if (!equalItems(prev.inputs, u.inputs)) {
          differing++;
          continue;
        }
        differing = 0;
      }
      // The new objects from now on (identity is the cheap test next time), the same findings.
      kept.set(u.key, { inputs: u.inputs, findings: prev.findings, reads: prev.reads });
      if (u.host) carryCrossFacts(prev.inputs[0], u.host);
    }
    return kept;
  }

  /**
   * Analyses a snapshot of the workspace. `dnsKey` must change whenever DNS answers may have
   * changed (new view, zones reloaded, live answers arrived): then every unit runs again.
   * When `signal` is aborted by the end, nothing is kept and the findings are empty.
   */
  async analyze(files: readonly SourceFile[], options: AnalyzeOptions, dnsKey: unknown, signal?: AbortSignal): Promise<IncrementalAnalysis> {
    const t0 = performance.now();
    const { model, failures } = await buildModel(files, options);
    const t1 = performance.now();
    const units = unitsOf(model);
    const hostsRebuilt = units.filter((u) => u.host && this.results.get(u.key)?.inputs[0] !== u.host).length;
    const byPath = new Map(files.map((f) => [f.path, f] as const));
    const rk = ruleKey(options);
    const shared = !this.primed ? 'first analysis' : dnsKey !== this.lastDnsKey ? 'DNS changed' : rk !== this.lastRuleKey ? 'rules or severities changed' : '';
    // Not worth comparing anything when every unit runs anyway.
    const kept = shared ? new Map<string, UnitResult>() : this.stillHolding(units, byPath);
    const ck = crossKey(model);
    const why = shared || (ck !== this.lastCrossKey ? "a host's names, addresses or mail domains changed" : '');
    const full = why !== '';
    const next = full ? new Map<string, UnitResult>() : kept;
    const toRun = units.filter((u) => !next.has(u.key));
    const rules = options.rules.filter((r) => options.severity?.get(r.meta.id) !== 'off');
    let kitFailure: Finding | undefined;
    let strayReads = false;
    if (toRun.length) {
      const charged = new ChargedFiles(byPath);
      const kit = await editKitFor(charged, model, options);
      kitFailure = kit.failure;
      let i = 0;
      const worker = async () => {
        while (i < toRun.length) {
          const u = toRun[i++];
          const reads = new UnitReads();
          next.set(u.key, { inputs: u.inputs, findings: await runUnit(u, model, chargedKit(kit.edits, charged, reads), options, rules), reads });
        }
      };
      await Promise.all(Array.from({ length: Math.min(UNIT_CONCURRENCY, toRun.length) }, worker));
      strayReads = charged.strayReads;
    }
    // An aborted run may have seen cancelled DNS answers: keep nothing of it.
    if (signal?.aborted) return { model, findings: [], stats: { full, why: 'aborted', units: units.length, unitsRun: toRun.length, hosts: model.hosts.length, hostsRebuilt, hostsRun: 0, modelMs: t1 - t0, rulesMs: 0 } };
    this.results = next;
    this.lastDnsKey = dnsKey;
    this.lastRuleKey = rk;
    this.lastCrossKey = ck;
    // Units run without the edit kit lack fixes, and reads no unit was charged with may have
    // shaped any unit's fixes: the next analysis runs everything again.
    this.primed = !kitFailure && !strayReads;

    const suppressed = suppressedLines(model);
    const findings: Finding[] = [...failures, ...(kitFailure ? [kitFailure] : [])];
    for (const u of units) {
      for (const f of next.get(u.key)!.findings) if (!isSuppressed(suppressed, f)) findings.push(f);
    }
    findings.sort(compareFindings);
    const t2 = performance.now();
    return {
      model,
      findings: dedupe(findings),
      stats: {
        full,
        why: why || 'edit',
        units: units.length,
        unitsRun: toRun.length,
        hosts: model.hosts.length,
        hostsRebuilt,
        hostsRun: toRun.filter((u) => u.host).length,
        modelMs: t1 - t0,
        rulesMs: t2 - t1,
      },
    };
  }
}
