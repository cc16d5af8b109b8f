/** The format analyzers, in the order their facts are assembled. */
import { analyzeCompose } from '../compose';
import { analyzeNix } from '../nix';
import { postfixAnalyzer } from '../postfix/analyzer';
import { loadZoneText } from '../dns';
import type { LoadedZoneFile } from '../dns/zones';
import type { FileSummary } from '../model/types';
import type { FormatAnalyzer } from './analyzers';

const nix: FormatAnalyzer = {
  name: 'Nix',
  kinds: ['nix'],
  analyze: async (files, root) => {
    const r = await analyzeNix(files, { root });
    return { hosts: r.hosts, postfix: r.postfix, summaries: r.summaries };
  },
};

const compose: FormatAnalyzer = {
  name: 'compose',
  kinds: ['compose', 'env'],
  analyze: (files) => {
    const r = analyzeCompose(files);
    return { compose: r.projects, summaries: r.summaries };
  },
};

/** Zone files are DNS data (the DNS view loads them); here only their errors become facts. */
const zones: FormatAnalyzer = {
  name: 'zone',
  kinds: ['zone'],
  analyze: (files) => {
    const summaries = new Map<string, FileSummary & { syntaxErrors: FileSummary['syntaxErrors'][number][] }>();
    const summaryOf = (file: string) => {
      let s = summaries.get(file);
      if (!s) summaries.set(file, (s = { file, kind: 'zone', syntaxErrors: [], suppressions: [] }));
      return s;
    };
    const loaded = files.map((f) => loadZoneText(f.path, f.text));
    // Parses are memoised per text: the same parses give the same summary objects, which
    // incremental analysis takes as "unchanged".
    if (lastZones && lastZones.loaded.length === loaded.length && lastZones.loaded.every((l, i) => l === loaded[i])) return { summaries: lastZones.summaries };
    files.forEach((f, i) => {
      summaryOf(f.path);
      // Errors of $INCLUDEd files belong to those files.
      for (const e of loaded[i].errors) if (e.severity === 'error') summaryOf(e.at.file).syntaxErrors.push({ message: e.message, at: e.at });
    });
    lastZones = { loaded, summaries: [...summaries.values()] };
    return { summaries: lastZones.summaries };
  },
};

let lastZones: { loaded: readonly LoadedZoneFile[]; summaries: FileSummary[] } | undefined;

export const FORMAT_ANALYZERS: readonly FormatAnalyzer[] = [nix, postfixAnalyzer, compose, zones];
