/**
 * postfix-master-cf-syntax: master.cf entries Postfix cannot read (MasterCfProblem from the
 * parser). A main.cf pasted into master.cf is said once, with the other lines as related
 * locations, instead of once a line.
 */
import type { MasterCfProblem } from '../../model/types';
import type { RawFinding, Rule, RuleContext } from '../types';

const MAX_RELATED = 10;

export const postfixMasterCfSyntax: Rule = {
  meta: {
    id: 'postfix-master-cf-syntax',
    defaultSeverity: 'error',
    title: 'master.cf entry Postfix cannot read',
    docs: 'postfix-master-cf-syntax',
    doc: {
      what: 'A master.cf entry is not `service type private unpriv chroot wakeup maxproc command [args]` (too few fields, an unknown service type, a `-o` without `name=value`, a continuation line with nothing to continue), or master.cf holds `name = value` lines: a main.cf pasted into master.cf, which is reported once for the whole file.',
      why: '`postfix start` and `postfix reload` refuse a master.cf they cannot parse ("fatal: ... bad field count"), so the mail system does not start or keeps running an old configuration; settings meant for main.cf have no effect in master.cf.',
      fix: 'Give the entry its eight fields (use `-` for defaults), move `name = value` lines to main.cf (or to a `-o name=value` override of the service that needs them), and indent continuation lines only under an entry. There is no quick fix: which correction is right depends on what was meant.',
      notFlagged: 'Comment lines, blank lines, template directives (`{% if %}`), template placeholders in fields, `-o` after the first non-option argument of a command (such as after `argv=` of pipe, where Postfix passes it on as an argument), and `-o { name = value }` overrides.',
      example: {
        lang: 'postfix',
        bad: 'submission inet n - n - - smtpd\n  -o syslog_name\nsmtpd_tls_security_level = may',
        fixed: 'submission inet n - n - - smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      const byFile = new Map<string, MasterCfProblem[]>();
      for (const p of instance.masterProblems) byFile.set(p.at.file, [...(byFile.get(p.at.file) ?? []), p]);
      for (const problems of byFile.values()) {
        const pasted = problems.filter((p) => p.kind === 'main-cf-line');
        if (pasted.length >= 2) {
          const first = pasted[0];
          const shown = pasted.slice(1, 1 + MAX_RELATED);
          const more = pasted.length - 1 - shown.length;
          out.push({
            at: first.at,
            message:
              `${pasted.length} lines of this master.cf are main.cf settings (name = value): it looks like a main.cf was pasted into master.cf. ` +
              `Postfix rejects them here; move them to main.cf` + (more > 0 ? ` (${more} more lines not listed)` : ''),
            related: shown.map((p) => ({ at: p.at, message: 'another main.cf setting in master.cf' })),
          });
        } else if (pasted.length === 1) {
          out.push({ at: pasted[0].at, message: `${pasted[0].message}: move it to main.cf, or write it as "-o name=value" under the service that needs it` });
        }
        for (const p of problems) if (p.kind !== 'main-cf-line') out.push({ at: p.at, message: p.message });
      }
    }
    return out;
  },
};
