/** `dns snapshot`: the zone-file text of every answer the analysis needs. (Wired when server/src/dns lands.) */
import type { OpenedWorkspace } from '../engine/setup';

export async function writeSnapshot(ws: OpenedWorkspace): Promise<string> {
  void ws;
  throw new Error('dns snapshot is not wired yet');
}
