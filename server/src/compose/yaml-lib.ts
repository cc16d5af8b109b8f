/**
 * The `yaml` library's functions as plain bindings, for the modules that call them per node.
 * The server bundle imports the library's CommonJS build through esbuild's ESM interop, which
 * reads every imported name through a getter: a cold `check` of a 1,600-host fleet called
 * those getters about 65,000 times (`isScalar`, `isMap`...). Read once here, each call is
 * a direct one.
 */
import * as yaml from 'yaml';

export const { isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, stringify, visit } = yaml;
export const YamlDocument = yaml.Document;
export type { Alias, Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
