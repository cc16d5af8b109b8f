/**
 * A role module that reads the host's configuration (`config.networking.*`), as the fleet's
 * mail and web roles do: it is evaluated again for every host that imports it, from one tree.
 * Shared by the tests of what such repeated evaluations keep (text scans, syntax nodes).
 */
import type { EvalHooks } from '../../../server/src/nix/evaluate';
import { plainString } from '../../../server/src/nix/values';

export const HOST_READING_MODULE = `{ config, lib, ... }:
let
  domain = config.networking.domain;
  port = 25;
in
{
  services.postfix = {
    enable = true;
    settings.main = {
      myhostname = "\${config.networking.hostName}.\${domain}";
      mydestination = [ "$myhostname" "localhost" ];
      smtpd_tls_security_level = "may";
    };
  };
  services.postfix.settings.main.relay_domains = [ domain ];
  services.nginx.virtualHosts."\${config.networking.hostName}.\${domain}".root = ./www;
  services.nginx.virtualHosts.static = { root = /srv/www; listen = [ { port = 80; } ]; };
  networking.firewall.allowedTCPPorts = [ port (port + 118) ];
  networking.extra = lib.mkIf (config.networking.hostName == "h2") { tag = ''
    second
  ''; };
  # a comment between bindings
  inherit (config.networking) hostName;
}
`;

/** The host's configuration as the evaluator's hook answers `config.*` reads. */
export function hostHooks(hostName: string): EvalHooks {
  return {
    configLookup: (path, at) => {
      const key = path.join('.');
      if (key === 'networking.hostName') return plainString(hostName, at);
      if (key === 'networking.domain') return plainString(`${hostName}.example`, at);
      return undefined;
    },
  };
}
