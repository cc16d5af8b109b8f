/** The format analyzers, in the order their facts are assembled. (Wired as the format modules land.) */
import type { FormatAnalyzer } from './analyzers';

export const FORMAT_ANALYZERS: readonly FormatAnalyzer[] = [];
