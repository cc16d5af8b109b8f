/**
 * Joins the per-format results into one model, and gives every standalone Postfix instance
 * (a main.cf outside any NixOS host) a host of its own, named by `myhostname`, whose
 * addresses are left to the DNS view (rules resolve them and mark them as inferred).
 */
import { relative } from 'node:path';
import type { Location } from '../core/text';
import { unknown } from '../core/value';
import type { FormatResult } from '../engine/analyzers';
import { hasTemplate } from '../postfix/template';
import type { Host, HostName, InfraModel, PostfixInstance, PostfixParam } from './types';

function lastParam(instance: PostfixInstance, name: string): PostfixParam | undefined {
  for (let i = instance.main.length - 1; i >= 0; i--) if (instance.main[i].name === name) return instance.main[i];
  return undefined;
}

/** A literal host name value, or undefined for unset, templated, or `$name`-built values. */
function literalName(p: PostfixParam | undefined): string | undefined {
  if (!p || p.value === null) return undefined;
  const v = p.value.trim().toLowerCase().replace(/\.$/, '');
  if (!v || hasTemplate(p.value) || v.includes('$') || !/^[a-z0-9._-]+$/.test(v)) return undefined;
  return v;
}

function standaloneHost(instance: PostfixInstance, id: string): Host {
  const names: HostName[] = [];
  const myhostname = lastParam(instance, 'myhostname');
  const mydomain = lastParam(instance, 'mydomain');
  const host = literalName(myhostname);
  const domain = literalName(mydomain);
  if (host && myhostname) names.push({ name: host, source: 'myhostname', at: myhostname.valueAt });
  const mailDomains: { domain: string; at: Location }[] = [];
  if (domain && mydomain) mailDomains.push({ domain, at: mydomain.valueAt });
  else if (host && host.includes('.') && myhostname) mailDomains.push({ domain: host.slice(host.indexOf('.') + 1), at: myhostname.valueAt });
  const entry = instance.origin.kind === 'files' ? (instance.origin.mainCf ?? instance.origin.masterCf ?? '') : instance.origin.file;
  return {
    id,
    kind: 'postfix',
    name: host ? host.split('.')[0] : id,
    entry,
    files: [instance.origin.kind === 'files' ? instance.origin.mainCf : undefined, instance.origin.kind === 'files' ? instance.origin.masterCf : undefined].filter(
      (f): f is string => !!f,
    ),
    names,
    network: {
      interfaces: [],
      addresses: [],
      gateways: [],
      ipv6Enabled: unknown('a standalone Postfix host: its network is not in the repository'),
      dynamicV4: 'unknown',
      dynamicV6: 'unknown',
      unknownAddresses: [],
      openTcpPorts: [],
    },
    mailDomains,
    postfix: instance.id,
    dovecot: false,
    missingImports: [],
    anchor: myhostname?.entryAt ?? instance.definedAt,
  };
}

const standalone = new WeakMap<PostfixInstance, { id: string; instance: PostfixInstance; host: Host }>();

/**
 * The instance with its host id last, as a spread would give it. A spread copy that gains a
 * property gets a hidden class of its own in V8 11, which made every rule's read of an
 * instance megamorphic; `Object.assign` onto a fresh object takes the shared transitions.
 */
function withHost(instance: PostfixInstance, host: string): PostfixInstance {
  return Object.assign({}, instance, { host });
}

export function assembleModel(root: string, results: readonly FormatResult[]): InfraModel {
  const hosts: Host[] = [];
  const postfix: PostfixInstance[] = [];
  const compose = [];
  const files = [];
  for (const r of results) {
    hosts.push(...(r.hosts ?? []));
    compose.push(...(r.compose ?? []));
    files.push(...r.summaries);
    for (const instance of r.postfix ?? []) {
      if (instance.host) postfix.push(instance);
      else {
        const rel = relative(root, instance.id).replace(/\\/g, '/');
        const id = `postfix:${rel === '' ? '.' : rel}`;
        // The same instance object gives the same host objects (incremental analysis compares them).
        let made = standalone.get(instance);
        if (!made || made.id !== id) standalone.set(instance, (made = { id, instance: withHost(instance, id), host: standaloneHost(instance, id) }));
        postfix.push(made.instance);
        hosts.push(made.host);
      }
    }
  }
  const byFile = (a: { file: string }, b: { file: string }) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  return {
    root,
    files: files.sort(byFile),
    hosts: hosts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    postfix,
    compose,
  };
}
