/**
 * compose-syntax: a compose YAML file (or its `.env`) that does not parse. The compose model
 * keeps what the yaml library recovers, but `docker compose` refuses the whole file.
 */
import { syntaxErrorFindings } from '../support/syntax-errors';
import type { Rule } from '../types';

export const composeSyntax: Rule = {
  meta: {
    id: 'compose-syntax',
    defaultSeverity: 'error',
    title: 'Compose file or its .env does not parse',
    docs: 'compose-syntax',
    doc: {
      what: 'A compose YAML file has a YAML error (bad indentation, an unclosed quote, a duplicate key), or a line of the project\'s `.env` is not `KEY=value`.',
      why: '`docker compose` refuses a file that does not parse, so the stack does not start or update; the other compose rules only see what could be recovered from it.',
      fix: 'Correct the YAML at the reported position; `docker compose config` reports the same error. There is no quick fix.',
      notFlagged: 'Values compose accepts but cannot interpolate (`${VAR}` with no value) are not syntax errors; they make the value unknown for the other rules.',
      example: {
        lang: 'yaml',
        bad: 'services:\n  smtp:\n    image: "boky/postfix\n    ports:\n      - "25:25"',
        fixed: 'services:\n  smtp:\n    image: "boky/postfix"\n    ports:\n      - "25:25"',
      },
    },
  },
  check({ model }) {
    return syntaxErrorFindings(model, ['compose', 'env'], (m) => `compose syntax error: ${m}`);
  },
};
