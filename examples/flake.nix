{
  description = "acme.example infrastructure (example repository for infra-review)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";

  outputs = { self, nixpkgs }: {
    nixosConfigurations = {
      mail = nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [ ./hosts/mail/configuration.nix ];
      };
      web = nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [ ./hosts/web/configuration.nix ];
      };
    };
  };
}
