/**
 * What rules call to build fixes. Rules never see syntax: they name the setting to change
 * and the kit finds where and how to write it in the file's own style (main.cf line,
 * NixOS attribute merged into the existing structure, master.cf `-o`, compose YAML).
 * Every method returns `undefined` when it cannot produce a safe edit (then the rule offers
 * no fix rather than a wrong one).
 */
import type { FileEdit } from '../core/finding';
import type { Location } from '../core/text';
import type { ComposeProject, Host, PostfixInstance } from '../model/types';

export interface EditKit {
  /** Replace exactly the located text (a value, a list item). */
  replace(at: Location, newText: string): FileEdit;

  /**
   * Remove the located text (a binding, an entry). When nothing else is on its lines, the
   * lines go with it, so no blank or whitespace-only line is left behind.
   */
  remove(at: Location): FileEdit;

  /**
   * Set a main.cf parameter of an instance: replace an existing definition, else insert one,
   * in the form the instance is written in (main.cf file, `services.postfix.settings.main`,
   * legacy `config`/`extraConfig`). `value` is the main.cf value text.
   */
  setPostfixMain(instance: PostfixInstance, name: string, value: string): FileEdit[] | undefined;

  /**
   * Add (or replace) `-o name=value` on a master.cf service of the instance, creating the
   * service entry when the instance relies on the built-in default for it (e.g. `smtp unix
   * - - n - - smtp`). Works for master.cf files and NixOS `settings.master`/`masterConfig`.
   * `service` is `name` or `name/type`; the type defaults to `unix` (so `smtp` is the SMTP
   * client, `smtp/inet` the server).
   */
  setMasterOverride(instance: PostfixInstance, service: string, name: string, value: string): FileEdit[] | undefined;

  /**
   * Set a NixOS option on a host to a Nix expression (source text), merging into the
   * existing attribute structure and indentation of `file` (default: the file that already
   * configures the nearest enclosing path, else the host entry).
   * Example: setNixOption(host, ['networking','defaultGateway6'], '{ address = "fe80::1"; interface = "ens3"; }').
   */
  setNixOption(host: Host, path: readonly string[], nixValue: string, file?: string): FileEdit[] | undefined;

  /** Append Nix list elements (source text) to a list option, creating the option if absent. */
  appendNixList(host: Host, path: readonly string[], elements: readonly string[], file?: string): FileEdit[] | undefined;

  /**
   * Set a value in a compose file, keeping comments and layout. `path` starts at the
   * document root, e.g. ['networks', 'default', 'enable_ipv6']; `value` is a plain JS value.
   */
  setComposeValue(project: ComposeProject, path: readonly (string | number)[], value: unknown): FileEdit[] | undefined;
}
