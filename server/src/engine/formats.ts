/** The format analyzers, in the order their facts are assembled. */
import { analyzeCompose } from '../compose';
import { analyzeNix } from '../nix';
import { postfixAnalyzer } from '../postfix/analyzer';
import { loadZoneText } from '../dns';
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
    for (const f of files) {
      summaryOf(f.path);
      // Errors of $INCLUDEd files belong to those files.
      for (const e of loadZoneText(f.path, f.text).errors) if (e.severity === 'error') summaryOf(e.at.file).syntaxErrors.push({ message: e.message, at: e.at });
    }
    return { summaries: [...summaries.values()] };
  },
};

export const FORMAT_ANALYZERS: readonly FormatAnalyzer[] = [nix, postfixAnalyzer, compose, zones];
