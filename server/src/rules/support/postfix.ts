/**
 * How the Postfix SMTP client (master.cf `smtp unix`, the service that delivers to other
 * mail servers) of an instance sees the address-family settings. Values come from
 * postfix/effective.ts (`-o` overrides, `$name` expansion, built-in defaults); this file
 * only interprets them for the network rules.
 */
import type { Location } from '../../core/text';
import type { Host, InfraModel, PostfixInstance, PostfixParam } from '../../model/types';
import { effectiveValue, type EffectiveValue, type ServiceSelector } from '../../postfix/effective';
import { isUnspecifiedOrLoopback, parseAddress, type Ip } from './ip';

export const SMTP_CLIENT: ServiceSelector = { service: 'smtp', type: 'unix' };

export type Decided<T> =
  | { readonly kind: 'known'; readonly value: T; readonly param?: PostfixParam; readonly isDefault: boolean }
  | { readonly kind: 'unknown'; readonly reason: string; readonly param?: PostfixParam };

function decide<T>(e: EffectiveValue, interpret: (v: string) => T | undefined): Decided<T> {
  if (e.kind === 'unknown') return { kind: 'unknown', reason: e.reason, param: e.param };
  const v = interpret(e.value);
  const param = e.kind === 'set' ? e.param : undefined;
  if (v === undefined) return { kind: 'unknown', reason: `cannot read the value "${e.value}"`, param };
  return { kind: 'known', value: v, param, isDefault: e.kind === 'default' };
}

export interface Protocols {
  readonly v4: boolean;
  readonly v6: boolean;
}

export function parseProtocols(value: string): Protocols | undefined {
  const items = value.toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (!items.length) return undefined;
  let v4 = false;
  let v6 = false;
  for (const i of items) {
    if (i === 'all') v4 = v6 = true;
    else if (i === 'ipv4') v4 = true;
    else if (i === 'ipv6') v6 = true;
    else return undefined;
  }
  return { v4, v6 };
}

/** The single address of a bind setting, canonical; undefined for an empty value. */
function bindAddress(value: string): Ip | null | undefined {
  const v = value.trim();
  if (!v) return null;
  return parseAddress(v) ?? undefined;
}

export interface SmtpClientView {
  readonly instance: PostfixInstance;
  /** inet_protocols as the SMTP client uses it (a `-o` on `smtp unix` wins over main.cf). */
  readonly protocols: Decided<Protocols>;
  /** Is the `inet_protocols` that decides written as `-o` on the smtp service? */
  readonly protocolsFromOverride: boolean;
  readonly preference: Decided<'any' | 'ipv4' | 'ipv6'>;
  /** smtp_bind_address6; `null` value = not set (empty). */
  readonly bind6: Decided<Ip | null>;
  /** A single non-loopback IPv6 address in inet_interfaces, which Postfix uses as source. */
  readonly interfaceSource6?: { readonly ip: Ip; readonly param?: PostfixParam };
}

function isOverride(p: PostfixParam | undefined): boolean {
  return !!p && (p.source === 'master.cf -o' || p.source === 'nix.settings.master' || p.source === 'nix.masterConfig' || p.source === 'nix.extraMasterConf');
}

const clientViews = new WeakMap<PostfixInstance, SmtpClientView>();

export function smtpClientView(instance: PostfixInstance): SmtpClientView {
  // Once per instance (it depends on nothing else): most network rules ask for every instance.
  let view = clientViews.get(instance);
  if (!view) clientViews.set(instance, (view = readSmtpClientView(instance)));
  return view;
}

function readSmtpClientView(instance: PostfixInstance): SmtpClientView {
  const protocols = decide(effectiveValue(instance, 'inet_protocols', SMTP_CLIENT), parseProtocols);
  const preference = decide(effectiveValue(instance, 'smtp_address_preference', SMTP_CLIENT), (v) => {
    const t = v.trim().toLowerCase();
    return t === 'any' || t === 'ipv4' || t === 'ipv6' ? t : undefined;
  });
  const bind6 = decide(effectiveValue(instance, 'smtp_bind_address6', SMTP_CLIENT), (v) => {
    const ip = bindAddress(v);
    if (ip === undefined) return undefined;
    return ip === null || (ip.family === 6 && !isUnspecifiedOrLoopback(ip)) ? ip : ip.family === 6 ? null : undefined;
  });
  let interfaceSource6: SmtpClientView['interfaceSource6'];
  const ifaces = effectiveValue(instance, 'inet_interfaces', SMTP_CLIENT);
  if (ifaces.kind !== 'unknown') {
    const items = ifaces.value.split(/[\s,]+/).filter(Boolean);
    const v6 = items.map((i) => parseAddress(i)).filter((ip): ip is Ip => !!ip && ip.family === 6 && !isUnspecifiedOrLoopback(ip));
    if (v6.length === 1) interfaceSource6 = { ip: v6[0], param: ifaces.kind === 'set' ? ifaces.param : undefined };
  }
  return {
    instance,
    protocols,
    protocolsFromOverride: protocols.kind === 'known' && isOverride(protocols.param),
    preference,
    bind6,
    interfaceSource6,
  };
}

export function postfixOf(host: Host, model: InfraModel): PostfixInstance | undefined {
  if (!host.postfix) return undefined;
  return model.postfix.find((p) => p.id === host.postfix);
}

/** Where to point for "the inet_protocols setting, else the instance's definition". */
export function protocolsAnchor(view: SmtpClientView): Location {
  const p = view.protocols.param;
  return p ? p.entryAt : view.instance.definedAt;
}

/** Short description of where a Postfix setting is written, e.g. `master.cf -o` or `main.cf`. */
export function settingPlace(p: PostfixParam | undefined): string {
  if (!p) return 'the built-in default';
  switch (p.source) {
    case 'master.cf -o':
    case 'nix.settings.master':
    case 'nix.masterConfig':
    case 'nix.extraMasterConf':
      return 'the smtp service in master.cf';
    default:
      return 'main.cf';
  }
}

/** Every smtp_bind_address(6) written anywhere in the instance (main.cf and every `-o`). */
export function bindSettings(instance: PostfixInstance): { readonly param: PostfixParam; readonly family: 4 | 6; readonly service?: string }[] {
  const out: { param: PostfixParam; family: 4 | 6; service?: string }[] = [];
  const consider = (p: PostfixParam, service?: string) => {
    if (p.name === 'smtp_bind_address') out.push({ param: p, family: 4, service });
    else if (p.name === 'smtp_bind_address6') out.push({ param: p, family: 6, service });
  };
  for (const p of instance.main) consider(p);
  for (const e of instance.master) for (const p of e.overrides) consider(p, e.service);
  return out;
}
