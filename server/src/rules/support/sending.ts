/**
 * Postfix instances that may deliver over IPv6, and the IPv6 source they use: the bind
 * address, the single IPv6 address of inet_interfaces, or the host's only global IPv6.
 */
import type { RelatedInfo } from '../../core/finding';
import type { Location } from '../../core/text';
import type { Host, InfraModel, PostfixInstance } from '../../model/types';
import type { Lookups } from './dns';
import { hostAddresses, hostById, isInferredHost, v6Facts, type HostAddress } from './hosts';
import { isGlobalV6, type Ip } from './ip';
import { smtpClientView, type SmtpClientView } from './postfix';

export interface SendingInstance {
  readonly instance: PostfixInstance;
  readonly host: Host;
  readonly view: SmtpClientView;
}

const sendingByModel = new WeakMap<InfraModel, readonly SendingInstance[]>();

/** Instances whose SMTP client is known to use IPv6 (inet_protocols includes it) on a host that has IPv6 enabled. */
export function ipv6SendingInstances(model: InfraModel): readonly SendingInstance[] {
  // Once per model (slice): four rules ask, and the SMTP client views take some reading.
  const known = sendingByModel.get(model);
  if (known) return known;
  const out: SendingInstance[] = [];
  for (const instance of model.postfix) {
    const host = hostById(model, instance.host);
    if (!host || v6Facts(host).disabled) continue;
    const view = smtpClientView(instance);
    if (view.protocols.kind !== 'known' || !view.protocols.value.v6) continue;
    out.push({ instance, host, view });
  }
  sendingByModel.set(model, out);
  return out;
}

export interface Source {
  readonly ip: Ip;
  readonly how: 'bind' | 'inet_interfaces' | 'only-address';
  /** The setting or address claim that makes it the source. */
  readonly at?: Location;
  readonly address?: HostAddress;
  readonly describe: string;
}

/**
 * Global IPv6 addresses of the host: configured ones (the list `v6Facts` keeps: several rules
 * ask for every sending instance), or for a standalone host, inferred from DNS. Read-only.
 */
export async function globalV6(host: Host, look: Lookups): Promise<readonly HostAddress[]> {
  if (!isInferredHost(host)) return v6Facts(host).staticGlobal;
  return (await hostAddresses(host, look)).filter((a) => isGlobalV6(a.ip));
}

/**
 * The IPv6 source address, when it is determined; 'unknown' when a setting cannot be read;
 * 'ambiguous' when the kernel picks among several static addresses.
 */
export async function ipv6Source(s: SendingInstance, look: Lookups): Promise<Source | 'unknown' | 'ambiguous' | 'none'> {
  const { view, host } = s;
  if (view.bind6.kind === 'unknown') return 'unknown';
  const addresses = await globalV6(host, look);
  const find = (ip: Ip) => addresses.find((a) => a.ip.text === ip.text);
  if (view.bind6.value) {
    const ip = view.bind6.value;
    return { ip, how: 'bind', at: view.bind6.param?.valueAt, address: find(ip), describe: `smtp_bind_address6 = ${ip.text}` };
  }
  if (view.interfaceSource6) {
    const ip = view.interfaceSource6.ip;
    return { ip, how: 'inet_interfaces', at: view.interfaceSource6.param?.valueAt, address: find(ip), describe: `inet_interfaces = ${ip.text}` };
  }
  const dynamic = host.kind === 'postfix' ? 'no' : host.network.dynamicV6;
  if (addresses.length === 0) return dynamic === 'no' ? 'none' : 'unknown';
  if (addresses.length > 1) return 'ambiguous';
  // One static address plus possible SLAAC: the static one is the address the PTR/SPF were
  // meant for (an autoconfigured one has none), so it is the source to check.
  const a = addresses[0];
  const what = a.inferred
    ? `its only IPv6 address ${a.ip.text} (AAAA of ${a.inferred.name})`
    : `its only ${dynamic === 'possible' ? 'static ' : ''}global IPv6 address ${a.ip.text}`;
  return { ip: a.ip, how: 'only-address', at: a.at, address: a, describe: what };
}

export function sourceRelated(src: Source): RelatedInfo[] {
  return src.at ? [{ at: src.at, message: src.how === 'only-address' ? `${src.ip.text}: the IPv6 source Postfix uses` : `${src.describe}: the IPv6 source` }] : [];
}
