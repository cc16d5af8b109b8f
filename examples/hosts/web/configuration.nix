{ config, lib, pkgs, ... }:
{
  networking.hostName = "web";
  networking.domain = "acme.example";
  networking.useDHCP = false;

  networking.interfaces.ens3 = {
    ipv4.addresses = [ { address = "192.0.2.80"; prefixLength = 24; } ];
    ipv6.addresses = [ { address = "2001:db8:80::80"; prefixLength = 64; } ];
  };
  networking.defaultGateway = { address = "192.0.2.1"; interface = "ens3"; };

  # The provider sends no router advertisements; do not wait for them.
  boot.kernel.sysctl = {
    "net.ipv6.conf.all.accept_ra" = 0;
    "net.ipv6.conf.default.accept_ra" = 0;
  };

  services.nginx.enable = true;
  networking.firewall.allowedTCPPorts = [ 80 443 ];

  system.stateVersion = "24.11";
}
