{ ... }:
{
  networking.useDHCP = false;

  networking.interfaces.ens3 = {
    ipv4.addresses = [
      { address = "192.0.2.25"; prefixLength = 24; }
    ];
  };

  networking.defaultGateway = {
    address = "192.0.2.1";
    interface = "ens3";
  };

  networking.nameservers = [ "192.0.2.53" ];

  networking.firewall.allowedTCPPorts = [ 25 143 465 587 993 ];
}
