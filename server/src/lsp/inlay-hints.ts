/** Optional inlay hints: the addresses a host name resolves to, after the name (from known answers only). */
import { InlayHintKind, type InlayHint } from 'vscode-languageserver/node';
import type { Location, Range } from '../core/text';
import type { DnsView } from '../dns/types';
import type { InfraModel } from '../model/types';
import { stripUnsafe } from './hover/markdown';

function nameLocations(model: InfraModel, path: string): { name: string; at: Location }[] {
  const out: { name: string; at: Location }[] = [];
  for (const h of model.hosts) for (const n of h.names) if (n.at.file === path && n.name.includes('.')) out.push({ name: n.name, at: n.at });
  for (const p of model.postfix) {
    for (const m of p.main) {
      if (m.valueAt.file !== path || !m.value || !['myhostname', 'relayhost'].includes(m.name)) continue;
      const name = m.value.replace(/^\[|\](:\d+)?$|:\d+$/g, '').toLowerCase();
      if (/^[a-z0-9.-]+\.[a-z]{2,}$/.test(name)) out.push({ name, at: m.valueAt });
    }
  }
  for (const c of model.compose) for (const s of c.services) if (s.hostname?.at.file === path && s.hostname.value.known && s.hostname.value.value.includes('.')) out.push({ name: s.hostname.value.value, at: s.hostname.at });
  return out;
}

function within(r: Range, range: Range): boolean {
  return r.start.line >= range.start.line && r.end.line <= range.end.line;
}

export async function inlayHints(model: InfraModel, dns: DnsView, path: string, range: Range): Promise<InlayHint[]> {
  const hints: InlayHint[] = [];
  const seen = new Set<string>();
  for (const { name, at } of nameLocations(model, path)) {
    const key = `${at.range.end.line}:${at.range.end.character}`;
    if (seen.has(key) || !within(at.range, range)) continue;
    seen.add(key);
    const addresses: string[] = [];
    for (const t of ['A', 'AAAA'] as const) {
      const a = await dns.query(name, t);
      if (a.status === 'records') for (const r of a.records) if (r.type === t) addresses.push(r.data);
    }
    if (!addresses.length) continue;
    hints.push({ position: at.range.end, label: stripUnsafe(`→ ${addresses.join(', ')}`), kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints;
}
