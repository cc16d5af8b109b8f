/** The DNS view's public surface for the engine, the CLI and the language server. */
export * from './types';
export { createDnsView, sortRecords } from './view';
export type { DnsViewOptions, ManagedDnsView } from './view';
export { DnsCache, defaultCachePath, cachePathIn } from './cache';
export type { CacheEntry, CacheHit, DnsCacheOptions } from './cache';
export {
  ZoneSet, Zone, loadZoneFile, loadZoneFileSync, loadZoneText, loadZoneSet, reloadZoneFile, findZoneFiles,
  globToRegExp, originFromFileName, DEFAULT_ZONE_GLOBS,
} from './zones';
export type { LoadedZoneFile, LoadZoneOptions, ZoneLookup } from './zones';
export { parseZoneText, parseTtl } from './zone-parser';
export type { ZoneError, ParsedZoneText, ParseZoneOptions } from './zone-parser';
export { writeSnapshot } from './snapshot';
export type { SnapshotOptions } from './snapshot';
export { evaluateSpf, parseSpfRecord, SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT } from './spf';
export { LiveResolver } from './resolver';
export type { LiveResult, ResolverOptions } from './resolver';
export { parseServerAddress, systemResolvers } from './client';
export { normalizeName, reverseName, canonicalAddress, parseIp } from './names';
