/**
 * Which NixOS Postfix options a file writes, which decides where a fix goes.
 *
 * Current nixpkgs: `services.postfix.settings.main` (free-form main.cf) and
 * `settings.master.<service>` (master.cf entries; `args` is a `listOf str`, so definitions
 * from several modules concatenate, and the module itself defines `smtp = { }`, `relay`, …).
 * Older nixpkgs: `config`, `extraConfig`, `masterConfig`, `extraMasterConf`, `hostname`, ….
 * Current nixpkgs renames `config` → `settings.main` and `masterConfig` → `settings.master`
 * (still accepted, with a warning) and removed `extraConfig`; old nixpkgs has no `settings`.
 * So a file that already uses the legacy options gets legacy options (they work on the
 * nixpkgs it is evaluated with), and any other file gets the current ones.
 */
import type { Node } from 'web-tree-sitter';
import { stringLiteralOf } from './expression-shapes';
import { locateOption } from './locate-binding';
import type { NixDoc } from './nix-document';

export const POSTFIX: readonly string[] = ['services', 'postfix'];

const LEGACY_OPTIONS = [
  'config',
  'extraConfig',
  'masterConfig',
  'extraMasterConf',
  'hostname',
  'domain',
  'origin',
  'destination',
  'networks',
  'networksStyle',
  'relayHost',
  'relayPort',
  'relayDomains',
  'recipientDelimiter',
  'sslCert',
  'sslKey',
  'sslCACert',
  'lookupMX',
  'useDane',
];

export function postfixPath(...rest: string[]): string[] {
  return [...POSTFIX, ...rest];
}

export function usesLegacyPostfixOptions(doc: NixDoc): boolean {
  return LEGACY_OPTIONS.some((option) => doc.mentions(postfixPath(option)));
}

/** `settings.<part>` when the file uses it, else the legacy option when the file is legacy. */
export function structuredPostfixPath(doc: NixDoc, part: 'main' | 'master'): string[] {
  const legacy = part === 'main' ? 'config' : 'masterConfig';
  if (doc.mentions(postfixPath('settings', part))) return postfixPath('settings', part);
  if (doc.mentions(postfixPath(legacy)) || usesLegacyPostfixOptions(doc)) return postfixPath(legacy);
  return postfixPath('settings', part);
}

export type TextOption = { readonly kind: 'absent' } | { readonly kind: 'opaque' } | { readonly kind: 'literal'; readonly string: Node };

/** A text option (`extraConfig`, `extraMasterConf`): absent, a string literal, or something else. */
export function postfixTextOption(doc: NixDoc, option: 'extraConfig' | 'extraMasterConf'): TextOption {
  const location = locateOption(doc.root, postfixPath(option));
  if (location.kind !== 'exact') return doc.mentions(postfixPath(option)) ? { kind: 'opaque' } : { kind: 'absent' };
  const value = location.binding.childForFieldName('expression');
  const string = value && stringLiteralOf(value);
  return string ? { kind: 'literal', string } : { kind: 'opaque' };
}
