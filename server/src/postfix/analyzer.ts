/** The Postfix format analyzer for the engine: standalone instances from main.cf/master.cf
 * files, and summaries (syntax problems, suppressions) for those and for lookup tables. */
import type { FormatAnalyzer } from '../engine/analyzers';
import { analyzePostfixFiles } from './instances';

export const postfixAnalyzer: FormatAnalyzer = {
  name: 'postfix',
  kinds: ['postfix-main', 'postfix-master', 'postfix-table'],
  analyze(files) {
    const { instances, summaries } = analyzePostfixFiles(files);
    return { postfix: instances, summaries };
  },
};
