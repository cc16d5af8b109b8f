/**
 * dns-zone-syntax: a zone file with a record the parser cannot read. The rest of the zone
 * still answers, but the unreadable record is missing from every DNS answer the rules use.
 */
import { syntaxErrorFindings } from '../support/syntax-errors';
import type { Rule } from '../types';

export const dnsZoneSyntax: Rule = {
  meta: {
    id: 'dns-zone-syntax',
    defaultSeverity: 'error',
    title: 'Zone file has an unreadable record',
    docs: 'dns-zone-syntax',
    doc: {
      what: 'A zone file (RFC 1035 master format) has a line infra-review cannot read: an unknown record type or class, a malformed address, unbalanced parentheses or quotes, a relative name before any `$ORIGIN`.',
      why: 'The unreadable record is left out of the DNS answers the review uses, so a finding that depends on it can be missing or wrong; a name server loading the same file usually refuses the whole zone.',
      fix: 'Correct the record at the reported position; `kzonecheck` or `named-checkzone` report the same problem. There is no quick fix.',
      notFlagged: 'Record types the review does not use (CAA, SRV, TLSA, ...) are read and ignored, not reported.',
      example: {
        lang: 'dns',
        bad: '$ORIGIN example.test.\nmail  IN AAAA 2001:db8::25::1',
        fixed: '$ORIGIN example.test.\nmail  IN AAAA 2001:db8::25',
      },
    },
  },
  check({ model }) {
    return syntaxErrorFindings(model, ['zone'], (m) => `zone file error: ${m}`);
  },
};
