/**
 * nix-syntax: a .nix file that does not parse. Reads FileSummary.syntaxErrors of Nix files;
 * the Nix module already leaves out the known grammar gap (a trailing comma in a function's
 * formals, which Nix accepts), so every error here is one `nix-instantiate --parse` reports too.
 */
import type { RawFinding, Rule } from '../types';

/** More than this many errors in one file are summarised: the first ones are what matters. */
const MAX_PER_FILE = 20;

export const nixSyntax: Rule = {
  meta: {
    id: 'nix-syntax',
    defaultSeverity: 'error',
    title: 'Nix file does not parse',
    docs: 'nix-syntax',
    doc: {
      what: 'A `.nix` file has a syntax error: the parser could not read it, so nothing in it (addresses, host names, Postfix settings) is analysed, and `nixos-rebuild` would fail on it.',
      why: 'A configuration that does not parse is never deployed. Every other rule is blind to the file, so problems in it stay hidden until the syntax error is fixed.',
      fix: 'Correct the syntax at the reported position (a missing `;`, an unbalanced bracket or quote). `nix-instantiate --parse FILE` reports the same error. There is no quick fix.',
      notFlagged:
        "A trailing comma in a function's formals (`{ a, b, }:`), which Nix accepts but the bundled tree-sitter grammar rejects, is never reported. Syntax errors of compose YAML, `.env` and zone files are not reported by this rule (it is about Nix only).",
      example: {
        lang: 'nix',
        bad: '{ config, ... }:\n{\n  networking.hostName = "mx1"\n  services.postfix.enable = true;\n}',
        fixed: '{ config, ... }:\n{\n  networking.hostName = "mx1";\n  services.postfix.enable = true;\n}',
      },
    },
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const file of model.files) {
      if (file.kind !== 'nix' || !file.syntaxErrors.length) continue;
      const shown = file.syntaxErrors.slice(0, MAX_PER_FILE);
      for (const e of shown) out.push({ at: e.at, message: `Nix syntax error: ${e.message}` });
      const rest = file.syntaxErrors.length - shown.length;
      if (rest > 0) {
        out[out.length - 1] = {
          ...out[out.length - 1],
          message: `${out[out.length - 1].message} (and ${rest} more syntax error${rest === 1 ? '' : 's'} in this file, not shown)`,
        };
      }
    }
    return out;
  },
};
