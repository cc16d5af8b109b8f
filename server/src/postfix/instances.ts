/**
 * Standalone Postfix instances from files: each main.cf with the master.cf beside it (same
 * directory, same template suffix such as `.j2` when there is one). A master.cf without a
 * main.cf is an instance too. Lookup tables (`cidr:` files ...) are recognised and skipped:
 * their syntax is not main.cf's and match-list rules do not apply to them.
 */
import { locatorFor, lineIndexOf, type SourceFile } from '../core/source';
import type { FileSummary, PostfixInstance } from '../model/types';
import { parseMainCf, type MainCf } from './main-cf';
import { parseMasterCf, type MasterCf } from './master-cf';
import { postfixSuppressions } from './suppressions';

export interface PostfixFilesResult {
  readonly instances: PostfixInstance[];
  readonly summaries: FileSummary[];
}

/** Parsed files by path, for edit builders that need offsets (see edits/postfix.ts). */
export interface ParsedPostfixFiles {
  readonly main: ReadonlyMap<string, MainCf>;
  readonly master: ReadonlyMap<string, MasterCf>;
}

export function analyzePostfixFiles(files: readonly SourceFile[]): PostfixFilesResult {
  return analyzePostfixFilesDetailed(files).result;
}

export function analyzePostfixFilesDetailed(files: readonly SourceFile[]): { result: PostfixFilesResult; parsed: ParsedPostfixFiles } {
  const summaries: FileSummary[] = [];
  const main = new Map<string, MainCf>();
  const master = new Map<string, MasterCf>();
  for (const f of files) {
    const memo = parsedFile(f);
    if (!memo) continue;
    if (memo.main) main.set(f.path, memo.main);
    if (memo.master) master.set(f.path, memo.master);
    summaries.push(memo.summary);
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const instances: PostfixInstance[] = [];
  const pairedMasters = new Set<string>();
  for (const mainPath of [...main.keys()].sort()) {
    const masterPath = masterBeside(mainPath, master);
    if (masterPath) pairedMasters.add(masterPath);
    instances.push(instanceOf(byPath.get(mainPath) as SourceFile, main.get(mainPath), masterPath ? byPath.get(masterPath) : undefined, masterPath ? master.get(masterPath) : undefined));
  }
  for (const masterPath of [...master.keys()].sort()) {
    if (pairedMasters.has(masterPath)) continue;
    instances.push(instanceOf(undefined, undefined, byPath.get(masterPath), master.get(masterPath)));
  }
  return { result: { instances, summaries }, parsed: { main, master } };
}

interface ParsedFile {
  readonly kind: SourceFile['kind'];
  readonly text: string;
  readonly main?: MainCf;
  readonly master?: MasterCf;
  readonly summary: FileSummary;
}

/**
 * The last parse of each file, by path: the editor re-analyses after every keystroke, and an
 * unchanged file keeps its parse and its instance object (incremental analysis compares them).
 */
const parsedFiles = new Map<string, ParsedFile>();
const builtInstances = new Map<string, { main?: MainCf; master?: MasterCf; mainText?: string; masterText?: string; instance: PostfixInstance }>();
const MEMO_LIMIT = 5000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MEMO_LIMIT && !map.has(key)) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}

function parsedFile(f: SourceFile): ParsedFile | undefined {
  const hit = parsedFiles.get(f.path);
  if (hit && hit.kind === f.kind && hit.text === f.text) return hit;
  let out: ParsedFile;
  if (f.kind === 'postfix-main') {
    const parsed = parseMainCf(f.text, locatorFor(f));
    out = { kind: f.kind, text: f.text, main: parsed, summary: { file: f.path, kind: f.kind, syntaxErrors: parsed.problems, suppressions: postfixSuppressions(f.text) } };
  } else if (f.kind === 'postfix-master') {
    const parsed = parseMasterCf(f.text, locatorFor(f));
    out = { kind: f.kind, text: f.text, master: parsed, summary: { file: f.path, kind: f.kind, syntaxErrors: [], suppressions: postfixSuppressions(f.text) } };
  } else if (f.kind === 'postfix-table') {
    out = { kind: f.kind, text: f.text, summary: { file: f.path, kind: f.kind, syntaxErrors: [], suppressions: postfixSuppressions(f.text) } };
  } else return undefined;
  return remember(parsedFiles, f.path, out);
}

function instanceOf(mainFile: SourceFile | undefined, mainCf: MainCf | undefined, masterFile: SourceFile | undefined, masterCf: MasterCf | undefined): PostfixInstance {
  const key = `${mainFile?.path ?? ''}\0${masterFile?.path ?? ''}`;
  const hit = builtInstances.get(key);
  if (hit && hit.main === mainCf && hit.master === masterCf && hit.mainText === mainFile?.text && hit.masterText === masterFile?.text) return hit.instance;
  const made = instance(mainFile, mainCf, masterFile, masterCf);
  return remember(builtInstances, key, { main: mainCf, master: masterCf, mainText: mainFile?.text, masterText: masterFile?.text, instance: made }).instance;
}

function split(path: string): { dir: string; suffix: string } {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const suffix = base.replace(/^(main|master)\.cf/, '');
  return { dir: path.slice(0, Math.max(0, slash)), suffix };
}

function masterBeside(mainPath: string, masters: ReadonlyMap<string, MasterCf>): string | undefined {
  const { dir, suffix } = split(mainPath);
  const same = `${dir}/master.cf${suffix}`;
  if (masters.has(same)) return same;
  const plain = `${dir}/master.cf`;
  return masters.has(plain) ? plain : undefined;
}

function instance(mainFile: SourceFile | undefined, mainCf: MainCf | undefined, masterFile: SourceFile | undefined, masterCf: MasterCf | undefined): PostfixInstance {
  const anchorFile = (mainFile ?? masterFile) as SourceFile;
  const { dir, suffix } = split(anchorFile.path);
  const index = lineIndexOf(anchorFile);
  const firstLine = { file: anchorFile.path, range: index.range(0, index.lineEnd(0)) };
  return {
    id: suffix && mainFile ? `${dir}/main.cf${suffix}` : dir,
    origin: {
      kind: 'files',
      ...(mainFile ? { mainCf: mainFile.path } : {}),
      ...(masterFile ? { masterCf: masterFile.path } : {}),
    },
    definedAt: mainCf?.entries[0]?.param.entryAt ?? masterCf?.entries[0]?.entry.at ?? firstLine,
    main: mainCf?.params ?? [],
    master: masterCf?.entries.map((e) => e.entry) ?? [],
    masterProblems: masterCf?.problems ?? [],
    templated: !!(mainCf?.templated || masterCf?.templated),
  };
}
