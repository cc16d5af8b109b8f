/**
 * postfix-unknown-parameter: a main.cf (or `-o`) name that Postfix does not know, which
 * postconf reports as "unused parameter" and Postfix silently ignores.
 */
import type { Fix } from '../../core/finding';
import type { PostfixInstance, PostfixParam } from '../../model/types';
import { closestParameters, isBuiltinParameter, isKnownParameter, type ServiceRef } from '../../postfix/catalog';
import { servicesOf, userDefinedNames } from '../../postfix/effective';
import type { RawFinding, Rule, RuleContext } from '../types';

/** Legacy lookup-table parameters: `ldap:foo` in a value makes `foo_server_host` & co. valid. */
const TABLE_WITH_PARAMS = /^(?:proxy:)?(ldap|mysql|pgsql|sqlite|memcache):([A-Za-z0-9_]+)$/;

function tablePrefixes(instance: PostfixInstance): string[] {
  const out: string[] = [];
  for (const p of [...instance.main, ...instance.master.flatMap((e) => e.overrides)]) {
    for (const item of p.items) {
      const m = TABLE_WITH_PARAMS.exec(item.text);
      if (m) out.push(`${m[2]}_`);
    }
  }
  return out;
}

/** What makes a name that is not built in known to postconf, besides the catalog. */
interface InstanceNames {
  readonly services: ServiceRef[];
  readonly user: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

/** Read only for an instance that sets a name the catalog does not know (most set none). */
function instanceNames(instance: PostfixInstance): InstanceNames {
  return { services: servicesOf(instance), user: userDefinedNames(instance), prefixes: tablePrefixes(instance) };
}

const NIX_ATTR = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

function isNix(p: PostfixParam): boolean {
  return p.source.startsWith('nix.');
}

export const postfixUnknownParameter: Rule = {
  meta: {
    id: 'postfix-unknown-parameter',
    defaultSeverity: 'warning',
    title: 'Unknown Postfix parameter',
    docs: 'postfix-unknown-parameter',
    doc: {
      what: 'A parameter name set in main.cf, in a master.cf `-o` override or in the NixOS Postfix settings is not a Postfix parameter (checked against the catalog of Postfix 3.7, including the per-service parameters postconf derives from master.cf), and no other setting refers to it as `$name`.',
      why: 'Postfix ignores parameters it does not know (postconf only warns "unused parameter"), so a typo such as `smtpd_tls_securty_level` silently leaves the built-in default in force: TLS, restrictions or relay settings the administrator believes are active are not.',
      fix: 'Correct the name. When a known parameter is close, the quick fix renames it ("did you mean"): a typo (character edit distance) or a missing or extra word (`smtpd_client_connection_limit` → `smtpd_client_connection_count_limit`). A parameter of your own that is used as `$name` in another setting is fine and not reported.',
      notFlagged:
        'User-defined parameters referenced as `$name` or `${name}` elsewhere in main.cf or master.cf (e.g. `mua_client_restrictions` used in `-o smtpd_client_restrictions=$mua_client_restrictions`), names listed in `smtpd_restriction_classes`, per-service parameters of services defined in master.cf (`relay_destination_concurrency_limit`), legacy table parameters (`foo_server_host` for `ldap:foo`), names written by template placeholders, and NixOS options that the module maps to main.cf names. In a templated file (Jinja `{{ }}`/`{% %}`, `PH_*` placeholders) only names close to a known parameter are reported, since the rendered file may refer to the others. Unevaluated Nix interpolations do not count as references: the names around them are checked as usual.',
      example: {
        lang: 'postfix',
        bad: 'smtpd_tls_securty_level = may',
        fixed: 'smtpd_tls_security_level = may',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      let names: InstanceNames | undefined;
      // A template ({{ }}, PH_*) is not what Postfix reads: only near-misses are sure there. An
      // unevaluated Nix interpolation is not: Postfix sees the literal text around it, and a
      // Nix value expanding to a `$name` reference is not a realistic pattern.
      const uncertain = instance.templated;
      const scopes: { params: readonly PostfixParam[]; service?: string }[] = [
        { params: instance.main },
        ...instance.master.map((e) => ({ params: e.overrides, service: e.service })),
      ];
      for (const { params, service } of scopes) {
        for (const p of params) {
          if (p.source === 'nix.option') continue;
          if (!/^[A-Za-z0-9_]+$/.test(p.name)) continue;
          if (isBuiltinParameter(p.name)) continue;
          names ??= instanceNames(instance);
          if (isKnownParameter(p.name, names.services, names.user) || names.prefixes.some((x) => p.name.startsWith(x))) continue;
          const suggestions = closestParameters(p.name, 3);
          if (uncertain && !suggestions.length) continue;
          const best = suggestions[0];
          const fixes: Fix[] = [];
          if (best && !params.some((o) => o.name === best) && (!isNix(p) || NIX_ATTR.test(best))) {
            fixes.push({ title: `Rename to ${best}`, preferred: true, edits: [ctx.edits.replace(p.nameAt, best)] });
          }
          const where = service ? ` (-o on master.cf service ${service})` : '';
          const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '';
          out.push({
            at: p.nameAt,
            message: `"${p.name}"${where} is not a Postfix parameter: Postfix ignores it (postconf warns "unused parameter")${hint}`,
            fixes,
          });
        }
      }
    }
    return out;
  },
};
