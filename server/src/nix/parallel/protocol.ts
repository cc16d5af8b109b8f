/** Messages between the parallel Nix analyzer and its workers (structured-cloned plain data). */
import type { PostfixInstance } from '../../model/types';
import type { BuiltHost } from '../host-build';
import type { HostTask } from '../host-plan';
import type { FileFacts } from './facts';

export type ToWorker =
  /** Every .nix file of the workspace (imports resolve against all of them); parse `shard`. */
  | { readonly kind: 'parse'; readonly files: readonly { readonly path: string; readonly text: string }[]; readonly shard: readonly number[] }
  | { readonly kind: 'build'; readonly hosts: readonly { readonly index: number; readonly task: HostTask }[]; readonly orphans: readonly { readonly index: number; readonly file: string; readonly id: string }[] };

export type FromWorker =
  | { readonly kind: 'facts'; readonly facts: readonly { readonly index: number; readonly facts: FileFacts }[] }
  | { readonly kind: 'built'; readonly hosts: readonly { readonly index: number; readonly built: BuiltHost }[]; readonly orphans: readonly { readonly index: number; readonly instance?: PostfixInstance }[] }
  | { readonly kind: 'failed'; readonly message: string };
