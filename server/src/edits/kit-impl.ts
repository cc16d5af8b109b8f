/** The EditKit over the workspace's files. (Interim: wired to the per-format builders as they land.) */
import type { SourceFile } from '../core/source';
import type { EditKit } from './kit';

export function createEditKit(files: ReadonlyMap<string, SourceFile>): EditKit {
  void files;
  return {
    replace: (at, newText) => ({ file: at.file, range: at.range, newText }),
    setPostfixMain: () => undefined,
    setMasterOverride: () => undefined,
    setNixOption: () => undefined,
    appendNixList: () => undefined,
    setComposeValue: () => undefined,
  };
}
