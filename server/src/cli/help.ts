/** Help texts; every option listed here is exercised by a CLI test. */
export const VERSION: string = (() => {
  try {
    // package.json sits two levels above out/server/src/cli and one above dist/.
    for (const p of ['../../../../package.json', '../package.json', '../../package.json']) {
      try {
        const pkg = require(p) as { name?: string; version?: string };
        if (pkg.name === 'infra-review' && pkg.version) return pkg.version;
      } catch {
        /* try the next layout */
      }
    }
  } catch {
    /* fall through */
  }
  return '0.0.0';
})();

export const MAIN_HELP = `infra-review ${VERSION}: reviews NixOS, Postfix and docker compose configuration against DNS

Usage:
  infra-review check [PATH ...] [options]        analyse files and directories, print findings
  infra-review model [PATH ...] --format json     print the infra model the rules see
  infra-review dns snapshot [PATH ...] --out FILE write the DNS the review needs as a zone file
  infra-review lsp --stdio                        run the language server on stdin/stdout
  infra-review --version | --help

Run 'infra-review COMMAND --help' for the options of a command.
`;

const COMMON_HELP = `  --dns live|cache|off     where DNS answers come from (default live):
                             off   zone files only, no network
                             cache zone files and the persistent cache, no network
                             live  zone files, fresh cache entries, then the resolvers
  --zone FILE              a zone file (RFC 1035 master format), repeatable; *.zone files
                           under the analysed paths are read too
  --resolver ADDR[:PORT]   DNS server to ask instead of the system's, repeatable
  --rule ID=off|error|warning|info
                           override a rule's severity, repeatable
  --cache-dir DIR          where the DNS cache lives (default $XDG_CACHE_HOME/infra-review)
  --dns-timeout MS         per-query timeout for live DNS (default 1500)
  --max-file-size BYTES    skip larger files with a notice (default 2097152)
  -h, --help               show this help`;

export const CHECK_HELP = `Usage: infra-review check [PATH ...] [options]

Analyses the given files and directories (default: .) as one workspace: *.nix, main.cf,
master.cf, *compose*.y*ml with their .env, and *.zone files.

Options:
  --format text|json|sarif output format (default text); json and sarif are stable contracts
  --fail-on error|warning|info|never
                           exit 1 when a finding at or above this severity exists (default error)
  -q, --quiet              text format: print errors only (the summary counts all)
  --color, --no-color      force or disable colours (default: on a terminal, unless NO_COLOR)
${COMMON_HELP}

Progress goes to stderr when it is a terminal. Docs: docs/configuration.md, docs/ci.md.

Exit status: 0 no finding at or above --fail-on; 1 there is one; 2 bad usage or unreadable input.
`;

export const MODEL_HELP = `Usage: infra-review model [PATH ...] --format json

Prints the infra model (hosts, names, addresses, Postfix instances, compose projects) as JSON.

Options:
  --format json            the only format
${COMMON_HELP}
`;

export const SNAPSHOT_HELP = `Usage: infra-review dns snapshot [PATH ...] --out FILE [options]

Resolves every name and address the analysis needs and writes the answers as a zone file
that 'check' reads back (a *.zone file under the analysed paths, or --zone FILE), so CI can
run offline with --dns off. Refresh it when DNS or the hosts change: the output file is
never read as DNS data, so a refresh asks again (--dns live: the resolvers, not the cache;
--dns cache: the cache). The header date is $SOURCE_DATE_EPOCH when set, else now.

Options:
  -o, --out FILE           where to write the zone file (required)
${COMMON_HELP}
`;

export const LSP_HELP = `Usage: infra-review lsp --stdio

Runs the language server over stdin/stdout (LSP 3.17). Settings come from
workspace/configuration (section infraReview) or initializationOptions of the same shape,
e.g. { "dns": { "mode": "off", "zoneFiles": ["**/*.zone"] }, "rules": { "postfix-ipv6-unused": "off" } }.
`;
