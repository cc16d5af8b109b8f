/**
 * nix-syntax: a .nix file that does not parse. Reads FileSummary.syntaxErrors of Nix files;
 * the Nix module already leaves out the known grammar gap (a trailing comma in a function's
 * formals, which Nix accepts), so every error here is one `nix-instantiate --parse` reports too.
 */
import { syntaxErrorFindings } from '../support/syntax-errors';
import type { Rule } from '../types';

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
        "A trailing comma in a function's formals (`{ a, b, }:`), which Nix accepts but the bundled tree-sitter grammar rejects, is never reported. Syntax errors of compose YAML and `.env` files are `compose-syntax`, of zone files `dns-zone-syntax`.",
      example: {
        lang: 'nix',
        bad: '{ config, ... }:\n{\n  networking.hostName = "mx1"\n  services.postfix.enable = true;\n}',
        fixed: '{ config, ... }:\n{\n  networking.hostName = "mx1";\n  services.postfix.enable = true;\n}',
      },
    },
  },
  check({ model }) {
    return syntaxErrorFindings(model, ['nix'], (m) => `Nix syntax error: ${m}`);
  },
};
