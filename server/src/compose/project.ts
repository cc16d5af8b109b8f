/**
 * Which compose files make one project, and how their facts merge.
 *
 * Decision (as `docker compose` without `-f` does): in a directory, the first of
 * compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml is the project's base
 * file and the first of the matching `*.override.y(a)ml` files is merged over it. Every other
 * compose file (relay-compose.yaml, docker-compose.prod.yml, a second base name) is a
 * project of its own: it is only ever used with `-f`, and we cannot know its companions.
 * The project name is COMPOSE_PROJECT_NAME from the `.env`, else top-level `name:`, else the
 * directory name, normalised as compose does.
 */
import type { ComposeEnvVar, ComposeNetwork, ComposeProject, ComposeService } from '../model/types';
import { known, unknown } from '../core/value';
import type { EnvFile } from './env-file';
import type { ComposeFileFacts, NetworkFacts, ServiceFacts } from './extract';
import type { Env } from './interpolate';

const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_NAMES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
export const dirName = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** Groups the compose files of one directory into projects: each group is [base, ...overrides]. */
export function groupProjectFiles(paths: readonly string[]): string[][] {
  const byName = new Map(paths.map((p) => [baseName(p), p]));
  const base = BASE_NAMES.map((n) => byName.get(n)).find((p) => p !== undefined);
  const override = OVERRIDE_NAMES.map((n) => byName.get(n)).find((p) => p !== undefined);
  const groups: string[][] = [];
  if (base) groups.push(override ? [base, override] : [base]);
  for (const p of [...paths].sort()) {
    if (p === base || (base && p === override)) continue;
    groups.push([p]);
  }
  return groups;
}

/** compose's project name normalisation: lower case, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

function mergeService(a: ServiceFacts, b: ServiceFacts): ServiceFacts {
  const env = new Map(a.environment.map((e) => [e.name, e]));
  for (const e of b.environment) env.set(e.name, e);
  const ports = [...a.ports];
  for (const p of b.ports) if (!ports.some((q) => q.raw === p.raw)) ports.push(p);
  return {
    name: a.name,
    at: a.at,
    image: b.image ?? a.image,
    hostname: b.hostname ?? a.hostname,
    containerName: b.containerName ?? a.containerName,
    networkMode: b.networkMode ?? a.networkMode,
    networks: a.networks && b.networks ? [...new Set([...a.networks, ...b.networks])] : b.networks ?? a.networks,
    ports,
    environment: [...env.values()],
    envFiles: [...a.envFiles, ...b.envFiles],
    dependsOn: [...new Set([...a.dependsOn, ...b.dependsOn])],
  };
}

function mergeNetwork(a: NetworkFacts, b: NetworkFacts): NetworkFacts {
  return {
    name: a.name,
    at: a.at,
    external: b.external ?? a.external,
    enableIpv6: b.enableIpv6 ?? a.enableIpv6,
    subnets: b.subnets ?? a.subnets,
  };
}

function mergeByName<T extends { readonly name: string }>(lists: readonly (readonly T[])[], merge: (a: T, b: T) => T): T[] {
  const out = new Map<string, T>();
  for (const list of lists) for (const item of list) {
    const prev = out.get(item.name);
    out.set(item.name, prev ? merge(prev, item) : item);
  }
  return [...out.values()];
}

/** Variables of an `env_file:` as container environment entries, located in that file. */
function envFileVars(file: EnvFile): ComposeEnvVar[] {
  return [...file.entries.values()].map((e) => ({
    name: e.name,
    value: e.value === null ? unknown(e.reason ?? `${e.name} has no known value`, e.at) : known(e.value, e.at, e.raw.includes('$') ? 'derived' : 'literal'),
    at: e.nameAt,
  }));
}

function finalizeService(s: ServiceFacts, envFiles: ReadonlyMap<string, EnvFile>): ComposeService {
  // env_file entries come first; `environment:` overrides them, as in compose.
  const env = new Map<string, ComposeEnvVar>();
  for (const f of s.envFiles) {
    const file = envFiles.get(f.path);
    if (file) for (const v of envFileVars(file)) env.set(v.name, v);
  }
  for (const v of s.environment) env.set(v.name, v);
  return {
    name: s.name,
    at: s.at,
    ...(s.image !== undefined ? { image: s.image } : {}),
    ...(s.hostname ? { hostname: s.hostname } : {}),
    ...(s.containerName ? { containerName: s.containerName } : {}),
    ...(s.networkMode ? { networkMode: s.networkMode } : {}),
    networks: s.networks ?? (s.networkMode ? [] : ['default']),
    ports: s.ports,
    environment: [...env.values()],
    dependsOn: s.dependsOn,
  };
}

function finalizeNetwork(n: NetworkFacts): ComposeNetwork {
  // An external network is created outside the project: its IPv6 setting is not ours to know.
  const enableIpv6 = n.enableIpv6 ?? (n.external ? unknown(`network ${n.name} is external: created outside this project`, n.at) : undefined);
  return {
    name: n.name,
    at: n.at,
    implicit: false,
    external: n.external ?? false,
    ...(enableIpv6 ? { enableIpv6 } : {}),
    subnets: n.subnets ?? [],
  };
}

export function buildProject(
  facts: readonly ComposeFileFacts[],
  env: Env,
  envFilePath: string | undefined,
  envFiles: ReadonlyMap<string, EnvFile>,
): ComposeProject {
  const base = facts[0];
  const services = mergeByName(facts.map((f) => f.services), mergeService).map((s) => finalizeService(s, envFiles));
  const networks = mergeByName(facts.map((f) => f.networks), mergeNetwork).map(finalizeNetwork);
  if (!networks.some((n) => n.name === 'default') && services.some((s) => s.networks.includes('default'))) {
    networks.push({ name: 'default', implicit: true, external: false, subnets: [] });
  }
  const fromEnv = env.get('COMPOSE_PROJECT_NAME')?.value;
  const fromFile = [...facts].reverse().find((f) => f.projectName?.known)?.projectName;
  const name = normalizeProjectName(fromEnv || (fromFile?.known ? fromFile.value : '') || baseName(dirName(base.file)));
  const networksAt = facts.find((f) => f.networksAt)?.networksAt;
  return {
    id: base.file,
    file: base.file,
    name,
    services,
    networks,
    ...(networksAt ? { networksAt } : {}),
    ...(envFilePath ? { envFile: envFilePath } : {}),
  };
}
