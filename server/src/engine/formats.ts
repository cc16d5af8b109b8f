/** The format analyzers, in the order their facts are assembled. */
import { analyzeCompose } from '../compose';
import { analyzeNix } from '../nix';
import { analyzePostfixFiles } from '../postfix/instances';
import type { FormatAnalyzer } from './analyzers';

const nix: FormatAnalyzer = {
  name: 'Nix',
  kinds: ['nix'],
  analyze: async (files, root) => {
    const r = await analyzeNix(files, { root });
    return { hosts: r.hosts, postfix: r.postfix, summaries: r.summaries };
  },
};

const postfixFiles: FormatAnalyzer = {
  name: 'Postfix',
  kinds: ['postfix-main', 'postfix-master', 'postfix-table'],
  analyze: (files) => {
    const r = analyzePostfixFiles(files);
    return { postfix: r.instances, summaries: r.summaries };
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

export const FORMAT_ANALYZERS: readonly FormatAnalyzer[] = [nix, postfixFiles, compose];
