{ config, lib, ... }:
let
  domain = config.networking.domain;
in
{
  services.postfix = {
    enable = true;
    settings.main = {
      myhostname = "mail.${domain}";
      mydomain = domain;
      mydestination = [ "$myhostname" "localhost.$mydomain" "$mydomain" ];
      # Copied from the NixOS manual's example: note the IPv6 entry.
      mynetworks = [ "127.0.0.0/8" "::1/128" "192.0.2.0/24" ];
      smtpd_tls_security_level = "may";
    };
  };
}
