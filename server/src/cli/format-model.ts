/** `infra-review model --format json`: the model the rules see, with paths relative to cwd. */
import type { Location } from '../core/text';
import type { InfraModel, PostfixInstance, PostfixParam } from '../model/types';
import { relativePaths } from './paths';

export function modelToJson(model: InfraModel, cwd: string): unknown {
  const rel = relativePaths(cwd);
  const loc = (at: Location) => ({ file: rel(at.file), range: at.range });
  const byId = new Map(model.postfix.map((p) => [p.id, p] as const));
  const mainValues = (params: readonly PostfixParam[]) => {
    const out: Record<string, string | null> = {};
    for (const p of params) out[p.name] = p.value;
    return out;
  };
  const postfixJson = (p: PostfixInstance) => ({
    origin: p.origin.kind === 'files'
      ? { kind: 'files', mainCf: p.origin.mainCf && rel(p.origin.mainCf), masterCf: p.origin.masterCf && rel(p.origin.masterCf) }
      : { kind: 'nixos', file: rel(p.origin.file) },
    templated: p.templated,
    main: mainValues(p.main),
    master: p.master.map((m) => ({
      service: m.service,
      type: m.type,
      private: m.private,
      unpriv: m.unpriv,
      chroot: m.chroot,
      wakeup: m.wakeup,
      maxproc: m.maxproc,
      command: m.command,
      args: m.args,
      overrides: mainValues(m.overrides),
      ...loc(m.at),
    })),
    masterProblems: p.masterProblems.map((x) => ({ kind: x.kind, message: x.message, ...loc(x.at) })),
  });
  return {
    hosts: model.hosts.map((h) => {
      const pf = h.postfix ? byId.get(h.postfix) : undefined;
      return {
        id: h.id,
        kind: h.kind,
        name: h.name,
        entry: rel(h.entry),
        files: h.files.map(rel),
        // A name set by several options (hostName, myhostname) is one name; nameSources lists each.
        names: [...new Set(h.names.map((n) => n.name))],
        nameSources: h.names.map((n) => ({ name: n.name, source: n.source, ...loc(n.at) })),
        addresses: h.network.addresses.map((a) => ({
          address: a.address,
          family: a.family,
          prefixLength: a.prefixLength,
          interface: a.interface,
          source: a.source,
          ...loc(a.at),
        })),
        interfaces: h.network.interfaces.map((i) => ({ name: i.name, source: i.source, ...loc(i.at) })),
        gateways: h.network.gateways.map((g) => ({ family: g.family, address: g.address, interface: g.interface, ...loc(g.at) })),
        ipv6Enabled: h.network.ipv6Enabled.known ? h.network.ipv6Enabled.value : null,
        dynamicV4: h.network.dynamicV4,
        dynamicV6: h.network.dynamicV6,
        unknownAddresses: h.network.unknownAddresses.map((u) => ({ reason: u.reason, ...(u.at ? loc(u.at) : {}) })),
        openTcpPorts: h.network.openTcpPorts,
        mailDomains: h.mailDomains.map((d) => d.domain),
        dovecot: h.dovecot,
        missingImports: h.missingImports.map((m) => ({ path: m.path, reason: m.reason, ...loc(m.at) })),
        ...(pf ? { postfix: postfixJson(pf) } : {}),
      };
    }),
    compose: model.compose.map((c) => ({
      name: c.name,
      file: rel(c.file),
      services: c.services.map((s) => ({
        name: s.name,
        hostname: s.hostname ? (s.hostname.value.known ? s.hostname.value.value : null) : undefined,
        containerName: s.containerName ? (s.containerName.value.known ? s.containerName.value.value : null) : undefined,
        networkMode: s.networkMode?.raw,
        networks: s.networks,
        ports: s.ports.map((p) => ({ raw: p.raw, hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol })),
        environment: Object.fromEntries(s.environment.map((e) => [e.name, e.value.known ? e.value.value : null])),
        dependsOn: s.dependsOn,
      })),
      networks: c.networks.map((n) => ({
        name: n.name,
        implicit: n.implicit,
        external: n.external,
        enableIpv6: n.enableIpv6 ? (n.enableIpv6.known ? n.enableIpv6.value : null) : undefined,
        subnets: n.subnets.map((s) => (s.subnet.known ? s.subnet.value : null)),
      })),
    })),
    files: model.files
      .filter((f) => f.syntaxErrors.length)
      .map((f) => ({ file: rel(f.file), kind: f.kind, syntaxErrors: f.syntaxErrors.map((e) => ({ message: e.message, ...loc(e.at) })) })),
  };
}
