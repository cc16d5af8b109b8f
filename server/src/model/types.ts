/**
 * The infra model: what the rules read. Plain data (serialisable, no methods) so that the
 * LSP, the CLI `model` command and the tests see exactly the same thing. Every fact keeps
 * the Location of the text it came from, so findings and fixes can point at it.
 */
import type { Location } from '../core/text';
import type { Val, Unknown } from '../core/value';

export type Family = 4 | 6;

/** How a host name was given. */
export type HostNameSource =
  | 'networking.hostName'
  | 'networking.fqdn'
  | 'services.postfix.hostname'
  | 'mailserver.fqdn'
  | 'myhostname'
  | 'mydomain'
  | 'compose.hostname'
  | 'flake.nixosConfigurations';

export interface HostName {
  /** Fully qualified when it could be (hostName + domain), lower case, no trailing dot. */
  readonly name: string;
  readonly source: HostNameSource;
  readonly at: Location;
}

export type AddressSource = 'networking.interfaces' | 'systemd.network' | 'dns-inferred' | 'postfix.inet_interfaces';

export interface AddressClaim {
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  readonly address: string;
  readonly family: Family;
  readonly prefixLength?: number;
  readonly interface?: string;
  readonly source: AddressSource;
  /** The address literal (the string content, without quotes). */
  readonly at: Location;
}

/** Where an interface (or systemd network) is configured: the anchor for interface fixes. */
export interface InterfaceDecl {
  readonly name: string;
  readonly source: 'networking.interfaces' | 'systemd.network';
  /** The binding that declares it (e.g. `networking.interfaces.ens3 = {`), or its first attribute. */
  readonly at: Location;
  /** systemd.network `matchConfig.Name`, when the network is keyed by another name. */
  readonly matchName?: string;
  /**
   * systemd.network: the attribute name under `systemd.network.networks` (`"10-wan"`), which
   * `name` is not when the network matches an interface by `matchConfig.Name`. Fixes that
   * add to the network's lists write under this key.
   */
  readonly key?: string;
  /** DHCP/RA/SLAAC facts for this interface; `unknown` when not evaluable. */
  readonly dhcp?: Val<'yes' | 'no' | 'ipv4' | 'ipv6'>;
  readonly acceptRA?: Val<boolean>;
}

export interface GatewayClaim {
  readonly family: Family;
  readonly address: string;
  readonly interface?: string;
  readonly source: 'networking.defaultGateway' | 'networking.defaultGateway6' | 'systemd.network';
  readonly at: Location;
}

/**
 * Whether something on the host could obtain addresses of a family that the configuration
 * does not write down (DHCP, SLAAC/RA). 'no' only when the configuration rules it out.
 */
export type DynamicAddressing = 'no' | 'possible' | 'unknown';

export interface HostNetwork {
  readonly interfaces: readonly InterfaceDecl[];
  readonly addresses: readonly AddressClaim[];
  readonly gateways: readonly GatewayClaim[];
  /** networking.enableIPv6 (default true in NixOS). */
  readonly ipv6Enabled: Val<boolean>;
  readonly dynamicV4: DynamicAddressing;
  readonly dynamicV6: DynamicAddressing;
  /** Addresses written in a way the model could not evaluate (option from elsewhere, ...). */
  readonly unknownAddresses: readonly Unknown[];
  /** Firewall TCP ports opened (networking.firewall.allowedTCPPorts). */
  readonly openTcpPorts: readonly number[];
}

export interface MissingImport {
  readonly path: string;
  readonly at: Location;
  readonly reason: string;
}

export type HostKind = 'nixos' | 'postfix';

export interface Host {
  /** Stable id: the entry file path relative to the workspace root, or the flake attribute. */
  readonly id: string;
  readonly kind: HostKind;
  /** Short name (networking.hostName, flake attribute, or myhostname's first label). */
  readonly name: string;
  readonly entry: string;
  /** Every file of the host (entry plus everything imported), absolute paths. */
  readonly files: readonly string[];
  readonly names: readonly HostName[];
  readonly network: HostNetwork;
  /** Mail domains the host serves/sends for (mydomain, mailserver.domains, mydestination items that are domains). */
  readonly mailDomains: readonly { readonly domain: string; readonly at: Location }[];
  /** Id of the Postfix instance running on this host, if any. */
  readonly postfix?: string;
  readonly dovecot: boolean;
  readonly missingImports: readonly MissingImport[];
  /** Where to point when there is nothing more precise: the host name binding or entry file start. */
  readonly anchor: Location;
}

/** Where a Postfix parameter was written, which decides how a fix edits it. */
export type PostfixParamSource =
  | 'main.cf'
  | 'nix.settings.main'
  | 'nix.config'
  | 'nix.extraConfig'
  | 'nix.option'
  | 'master.cf -o'
  | 'nix.settings.master'
  | 'nix.masterConfig'
  | 'nix.extraMasterConf';

export interface PostfixListItem {
  /** The item as written (brackets included), e.g. `[2001:db8::]/64`. */
  readonly text: string;
  readonly at: Location;
}

export interface PostfixParam {
  readonly name: string;
  /** The value as written (continuations joined by one space); null when not evaluable. */
  readonly value: string | null;
  readonly unknownReason?: string;
  readonly source: PostfixParamSource;
  /** For NixOS options that are not main.cf names (`networks`, `relayHost`): the option path. */
  readonly option?: string;
  readonly nameAt: Location;
  readonly valueAt: Location;
  /** The whole `name = value` (all continuation lines), or the Nix binding. */
  readonly entryAt: Location;
  /** The value split into list items (commas/whitespace), each with its exact range. */
  readonly items: readonly PostfixListItem[];
}

export interface MasterEntry {
  readonly service: string;
  readonly type: string;
  readonly private: string;
  readonly unpriv: string;
  readonly chroot: string;
  readonly wakeup: string;
  readonly maxproc: string;
  readonly command: string;
  readonly args: readonly string[];
  /** `-o name=value` and `-o { name = value }` overrides. */
  readonly overrides: readonly PostfixParam[];
  readonly serviceAt: Location;
  readonly at: Location;
}

export interface MasterCfProblem {
  readonly kind: 'too-few-fields' | 'main-cf-line' | 'bad-type' | 'bad-override' | 'orphan-continuation';
  readonly message: string;
  readonly at: Location;
}

/** One binding of a `services.postfix.<option>` in a NixOS configuration (every module, every binding). */
export interface PostfixNixOption {
  /** The option name under `services.postfix` (`config`, `hostname`, `sslCert`, `settings`, ...). */
  readonly option: string;
  /** The whole binding: `config = { ... };`, `services.postfix.hostname = "...";`, `inherit hostname;`. */
  readonly at: Location;
  /**
   * The option's own name in the binding's attribute path, when it is written there as a plain
   * identifier (`config` in `config = {` or `services.postfix.config.x = 1;`): what a rename
   * replaces. Absent for `inherit` and when the segment could not be located.
   */
  readonly keyAt?: Location;
}

export interface PostfixInstance {
  readonly id: string;
  /** Host id when the instance belongs to a NixOS host or a standalone host built from it. */
  readonly host?: string;
  readonly origin:
    | { readonly kind: 'files'; readonly mainCf?: string; readonly masterCf?: string }
    | { readonly kind: 'nixos'; readonly file: string };
  /** `services.postfix.enable = true` binding, or the first line of main.cf. */
  readonly definedAt: Location;
  /** main.cf parameters as set (not defaults), last definition wins; see postfix/effective.ts. */
  readonly main: readonly PostfixParam[];
  readonly master: readonly MasterEntry[];
  readonly masterProblems: readonly MasterCfProblem[];
  /** True when values contain template placeholders ({{ }}, {% %}, PH_*): unknown, not wrong. */
  readonly templated: boolean;
  /** NixOS instances: every binding of a `services.postfix` option, including ones other definitions override. */
  readonly nixOptions?: readonly PostfixNixOption[];
}

export interface ComposePort {
  /** The item as written (short syntax) or a synthesized summary (long syntax). */
  readonly raw: string;
  readonly syntax: 'short' | 'long';
  /** After .env interpolation; null when a variable had no value. */
  readonly hostIp: string | null | undefined;
  readonly hostPort?: string;
  readonly containerPort: string;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  /** An IPv6 host address written without brackets (`::1:25:25`). */
  readonly unbracketedIpv6?: { readonly address: string };
  readonly at: Location;
}

export interface ComposeEnvVar {
  readonly name: string;
  readonly value: Val<string>;
  readonly at: Location;
}

export interface ComposeService {
  readonly name: string;
  readonly at: Location;
  readonly image?: string;
  readonly hostname?: { readonly value: Val<string>; readonly at: Location };
  /** `container_name:`; without it compose names the container `<project>-<service>-<n>`. */
  readonly containerName?: { readonly value: Val<string>; readonly at: Location };
  readonly networkMode?: {
    readonly kind: 'service' | 'container' | 'host' | 'bridge' | 'none' | 'other';
    readonly target?: string;
    readonly raw: string;
    readonly at: Location;
  };
  /** Networks joined (implicit `default` when none is listed and no network_mode). */
  readonly networks: readonly string[];
  readonly ports: readonly ComposePort[];
  readonly environment: readonly ComposeEnvVar[];
  readonly dependsOn: readonly string[];
}

export interface ComposeNetwork {
  readonly name: string;
  /** The key in `networks:`; absent for the implicit default network. */
  readonly at?: Location;
  readonly implicit: boolean;
  readonly external: boolean;
  readonly enableIpv6?: Val<boolean>;
  readonly subnets: readonly { readonly subnet: Val<string>; readonly at: Location }[];
}

export interface ComposeProject {
  readonly id: string;
  readonly file: string;
  readonly name: string;
  readonly services: readonly ComposeService[];
  readonly networks: readonly ComposeNetwork[];
  /** Top-level `networks:` key, for inserting a network. */
  readonly networksAt?: Location;
  readonly envFile?: string;
}

export interface SyntaxProblem {
  readonly message: string;
  readonly at: Location;
}

export interface FileSummary {
  readonly file: string;
  readonly kind: import('../core/files').FileKind;
  /** Parse errors (nix-syntax reads these for .nix; compose/zone errors likewise). */
  readonly syntaxErrors: readonly SyntaxProblem[];
  /** `infra-review: ignore RULE` comments: the rules they silence and the line they cover. */
  readonly suppressions: readonly { readonly rule: string; readonly line: number }[];
}

export interface InfraModel {
  readonly root: string;
  readonly files: readonly FileSummary[];
  readonly hosts: readonly Host[];
  readonly postfix: readonly PostfixInstance[];
  readonly compose: readonly ComposeProject[];
  /**
   * Set when this model is a slice of the workspace (incremental analysis runs the rules on
   * the hosts an edit can affect): questions about other hosts ("does another host claim this
   * name or address?") are answered from the whole model. See `wholeModel`.
   */
  readonly whole?: InfraModel;
}

/** The workspace's whole model: the model itself, or the one it is a slice of. */
export function wholeModel(model: InfraModel): InfraModel {
  return model.whole ?? model;
}
