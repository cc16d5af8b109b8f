{ config, lib, pkgs, ... }:
{
  imports = [
    ./networking.nix
    ../../modules/postfix.nix
  ];

  networking.hostName = "mail";
  networking.domain = "acme.example";

  services.dovecot2.enable = true;

  system.stateVersion = "24.11";
}
